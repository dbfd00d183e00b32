using CsCheck;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Tests.Validation;

public sealed class CompactIdSetTests
{
    [Fact]
    public void Behaves_like_a_hash_set_through_growth_collisions_and_zero()
    {
        // Small values collide on the low bits and force long probe runs and several resizes; zero is a real value too.
        Gen.Int[0, 5000].Select(i => (UInt128)(ulong)i * 1024).Array[0, 3000].Sample(values =>
        {
            var compact = new CompactIdSet();
            var reference = new HashSet<UInt128>();
            foreach (var v in values)
            {
                var normalised = v == 0 ? UInt128.One : v;
                Assert.Equal(reference.Add(normalised), compact.Add(v));
            }
            Assert.Equal(reference.Count, compact.Count);
            foreach (var v in values) Assert.True(compact.Contains(v));
            Assert.False(compact.Contains((UInt128)ulong.MaxValue << 3));
        }, iter: 200);
    }
}
