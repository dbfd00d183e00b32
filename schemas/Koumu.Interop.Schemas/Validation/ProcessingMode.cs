namespace Koumu.Interop.Schemas.Validation;

/// <summary>manifest.csv <c>file.*</c> values (OneRoster 1.2 CSV binding).</summary>
public enum ProcessingMode
{
    /// <summary>The file is not supplied; stored records of that type are left as they are.</summary>
    Absent,
    /// <summary>Complete replacement of that file's records in the tenant: stored records not in the file become <c>tobedeleted</c>.</summary>
    Bulk,
    /// <summary>Changes only: rows are upserted; <c>status=tobedeleted</c> rows mark records deleted.</summary>
    Delta,
}
