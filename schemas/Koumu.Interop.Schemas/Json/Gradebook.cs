using System.Text.Json.Serialization;

namespace Koumu.Interop.Schemas.Json;

// OneRoster 1.2 Gradebook service data model: OAS-G components.schemas (onerosterv1p2gradebookservice_openapi3_v1p0.json).

/// <summary>CategoryDType.</summary>
public sealed class Category : OneRosterBase
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("weight")]
    public double? Weight { get; init; }
}

/// <summary>
/// LearningObjectiveSetDType: learning objective ids from one source. The OAS allows "case", "unknown" or (its
/// literal pattern) <c>^/(?!case$)(?!unknown$)[a-z0-9]+$</c>; the source is passed through unchecked because that
/// pattern (leading '/') disagrees with its own description of an extensible vocabulary.
/// </summary>
public sealed record LearningObjectiveSet
{
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>At least one id (OAS <c>minItems: 1</c>).</summary>
    [JsonPropertyName("learningObjectiveIds")]
    public required IReadOnlyList<string> LearningObjectiveIds { get; init; }
}

/// <summary>LearningObjectiveResultsDType: the result for one learning objective.</summary>
public sealed record LearningObjectiveResult
{
    [JsonPropertyName("learningObjectiveId")]
    public required string LearningObjectiveId { get; init; }

    [JsonPropertyName("score")]
    public double? Score { get; init; }

    [JsonPropertyName("textScore")]
    public string? TextScore { get; init; }
}

/// <summary>LearningObjectiveScoreSetDType: learning objective results from one source (results, assessmentResults).</summary>
public sealed record LearningObjectiveScoreSet
{
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>At least one result (OAS <c>minItems: 1</c>).</summary>
    [JsonPropertyName("learningObjectiveResults")]
    public required IReadOnlyList<LearningObjectiveResult> LearningObjectiveResults { get; init; }
}

/// <summary>LineItemDType.</summary>
public sealed class LineItem : OneRosterBase
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("assignDate"), JsonConverter(typeof(InstantConverter))]
    public required DateTime AssignDate { get; init; }

    [JsonPropertyName("dueDate"), JsonConverter(typeof(InstantConverter))]
    public required DateTime DueDate { get; init; }

    [JsonPropertyName("class")]
    public required GUIDRef Class { get; init; }

    [JsonPropertyName("school")]
    public required GUIDRef School { get; init; }

    [JsonPropertyName("category")]
    public required GUIDRef Category { get; init; }

    [JsonPropertyName("gradingPeriod")]
    public GUIDRef? GradingPeriod { get; init; }

    [JsonPropertyName("academicSession")]
    public GUIDRef? AcademicSession { get; init; }

    [JsonPropertyName("scoreScale")]
    public GUIDRef? ScoreScale { get; init; }

    [JsonPropertyName("resultValueMin")]
    public double? ResultValueMin { get; init; }

    [JsonPropertyName("resultValueMax")]
    public double? ResultValueMax { get; init; }

    [JsonPropertyName("learningObjectiveSet")]
    public IReadOnlyList<LearningObjectiveSet>? LearningObjectiveSet { get; init; }
}

/// <summary>ResultDType.</summary>
public sealed class Result : OneRosterBase
{
    [JsonPropertyName("lineItem")]
    public required GUIDRef LineItem { get; init; }

    [JsonPropertyName("student")]
    public required GUIDRef Student { get; init; }

    [JsonPropertyName("class")]
    public GUIDRef? Class { get; init; }

    [JsonPropertyName("scoreScale")]
    public GUIDRef? ScoreScale { get; init; }

    [JsonPropertyName("scoreStatus"), JsonConverter(typeof(VocabularyConverter<Json.ScoreStatus>))]
    public required string ScoreStatus { get; init; }

    [JsonPropertyName("score")]
    public double? Score { get; init; }

    [JsonPropertyName("textScore")]
    public string? TextScore { get; init; }

    [JsonPropertyName("scoreDate"), JsonConverter(typeof(DateConverter))]
    public required DateOnly ScoreDate { get; init; }

    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    [JsonPropertyName("learningObjectiveSet")]
    public IReadOnlyList<LearningObjectiveScoreSet>? LearningObjectiveSet { get; init; }

    [JsonPropertyName("inProgress"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? InProgress { get; init; }

    [JsonPropertyName("incomplete"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? Incomplete { get; init; }

    [JsonPropertyName("late"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? Late { get; init; }

    [JsonPropertyName("missing"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? Missing { get; init; }
}

/// <summary>ScoreScaleValueDType: one mapping of the scale, e.g. LHS "A" ↔ RHS "90-100".</summary>
public sealed record ScoreScaleValue
{
    [JsonPropertyName("itemValueLHS")]
    public required string ItemValueLHS { get; init; }

    [JsonPropertyName("itemValueRHS")]
    public required string ItemValueRHS { get; init; }
}

/// <summary>ScoreScaleDType.</summary>
public sealed class ScoreScale : OneRosterBase
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    /// <summary>Free text; the OAS gives no vocabulary.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("course")]
    public GUIDRef? Course { get; init; }

    [JsonPropertyName("class")]
    public required GUIDRef Class { get; init; }

    /// <summary>At least one value (OAS <c>minItems: 1</c>).</summary>
    [JsonPropertyName("scoreScaleValue")]
    public required IReadOnlyList<ScoreScaleValue> ScoreScaleValue { get; init; }
}

/// <summary>AssessmentLineItemDType.</summary>
public sealed class AssessmentLineItem : OneRosterBase
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("class")]
    public GUIDRef? Class { get; init; }

    [JsonPropertyName("parentAssessmentLineItem")]
    public GUIDRef? ParentAssessmentLineItem { get; init; }

    [JsonPropertyName("scoreScale")]
    public GUIDRef? ScoreScale { get; init; }

    [JsonPropertyName("resultValueMin")]
    public double? ResultValueMin { get; init; }

    [JsonPropertyName("resultValueMax")]
    public double? ResultValueMax { get; init; }

    [JsonPropertyName("learningObjectiveSet")]
    public IReadOnlyList<LearningObjectiveSet>? LearningObjectiveSet { get; init; }
}

/// <summary>AssessmentResultDType.</summary>
public sealed class AssessmentResult : OneRosterBase
{
    [JsonPropertyName("assessmentLineItem")]
    public required GUIDRef AssessmentLineItem { get; init; }

    [JsonPropertyName("student")]
    public required GUIDRef Student { get; init; }

    [JsonPropertyName("score")]
    public double? Score { get; init; }

    [JsonPropertyName("textScore")]
    public string? TextScore { get; init; }

    [JsonPropertyName("scoreDate"), JsonConverter(typeof(DateConverter))]
    public required DateOnly ScoreDate { get; init; }

    [JsonPropertyName("scoreScale")]
    public GUIDRef? ScoreScale { get; init; }

    [JsonPropertyName("scorePercentile")]
    public double? ScorePercentile { get; init; }

    [JsonPropertyName("scoreStatus"), JsonConverter(typeof(VocabularyConverter<Json.ScoreStatus>))]
    public required string ScoreStatus { get; init; }

    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    [JsonPropertyName("learningObjectiveSet")]
    public IReadOnlyList<LearningObjectiveScoreSet>? LearningObjectiveSet { get; init; }

    [JsonPropertyName("inProgress"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? InProgress { get; init; }

    [JsonPropertyName("incomplete"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? Incomplete { get; init; }

    [JsonPropertyName("late"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? Late { get; init; }

    [JsonPropertyName("missing"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? Missing { get; init; }
}
