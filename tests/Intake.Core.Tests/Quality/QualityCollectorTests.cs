using System.Text;
using Intake.Core.Imports;
using Intake.Core.Quality;
using Intake.Core.Records;
using Intake.Core.Storage;

namespace Intake.Core.Tests.Quality;

public sealed class QualityCollectorTests
{
    private static readonly DateTimeOffset s_now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ulong Hash(string id) => QualityCollector.Hash(Encoding.UTF8.GetBytes(id));

    [Theory]
    [InlineData(1_000)]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void The_distinct_estimate_stays_within_four_standard_errors(int distinct)
    {
        var estimate = new HyperLogLog();
        for (var i = 0; i < distinct; i++)
        {
            estimate.Add(Hash($"id-{i}"));
            estimate.Add(Hash($"id-{i}"));
        }

        Assert.InRange(estimate.Estimate(), distinct * (1 - 4 * HyperLogLog.StandardError), distinct * (1 + 4 * HyperLogLog.StandardError));
    }

    [Fact]
    public void An_id_tally_counts_occurrences_and_past_its_capacity_says_so()
    {
        var tally = new IdTally();
        for (var i = 0; i < 7; i++)
        {
            tally.Add(Hash("often"));
        }

        tally.Add(Hash("twice"));
        tally.Add(Hash("twice"));
        tally.Add(Hash("once"));
        Assert.Equal((3L, 2L, 1L, 7), (tally.AtLeast(1), tally.AtLeast(2), tally.AtLeast(5), tally.CountOf(Hash("often"))));
        Assert.False(tally.Contains(Hash("never")));

        for (var i = 0; i < IdTally.Capacity; i++)
        {
            tally.Add((ulong)i << 8);
        }

        Assert.True(tally.Overflowed);
    }

    [Fact]
    public void Orphans_are_left_out_rather_than_guessed_when_the_entity_ids_overflowed()
    {
        var entities = new IdTally();
        for (var i = 0; i <= IdTally.Capacity; i++)
        {
            entities.Add((ulong)(i + 1) << 8);
        }

        var collector = new QualityCollector(s_now, null);
        collector.UseEntityIds(entities);
        collector.Add(Interaction("u1", "i1", s_now.AddDays(-1)));
        var report = collector.Build(new Dictionary<string, AttributeType>(), RecordKind.Interaction, 0);

        Assert.Null(report.Interactions!.Orphans);
        Assert.Null(report.Interactions.ByType[0].Orphans);
        Assert.Equal(1, report.Interactions.Count);
    }

    [Fact]
    public void Thresholds_warn_for_each_crossed_one_and_only_those()
    {
        var collector = new QualityCollector(s_now, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        collector.UseEntityIds(new IdTally());
        collector.Add(Interaction("u1", "i1", s_now.AddHours(1)));
        collector.Add(Interaction("u1", "i2", new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var report = collector.Build(new Dictionary<string, AttributeType>(), RecordKind.Interaction, 1);

        var warnings = new QualityThresholds
        {
            MaxOrphanShare = 0.5, MinInteractions = 2, MaxDuplicateShare = 0.5, MaxFutureEvents = 0, MaxBeforeFloor = 1, MaxColdShare = 0,
        }.Check(report);

        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(ImportWarning.QualityThresholdCrossed, w.Code));
        Assert.Contains("orphan", warnings[0].Message);
        Assert.Contains("future", warnings[1].Message);
        Assert.Empty(new QualityThresholds().Check(report));
    }

    [Fact]
    public void Attribute_names_spelled_with_escapes_are_one_attribute_and_nulls_are_not_present()
    {
        var collector = new QualityCollector(s_now, null);
        collector.UseEntityIds(new IdTally());
        collector.Add(Interaction("u1", "i1", s_now.AddDays(-1)) with { AttributesJson = """{"color":"red","size":null}""" });
        collector.Add(Interaction("u1", "i2", s_now.AddDays(-1)) with { AttributesJson = """{ "co\u006cor" : "blue" , "size": [1, {"a": "}"}] }""" });
        collector.Add(Interaction("u2", "i2", s_now.AddDays(-1)) with { AttributesJson = """{"color":"red"}""" });
        var report = collector.Build(new Dictionary<string, AttributeType>(), RecordKind.Interaction, 0);

        Assert.Equal(["color 3 2", "size 1 1"], report.Attributes.Select(a => $"{a.Name} {a.Present} {a.DistinctValues}"));
    }

    [Fact]
    public void Figures_are_kept_for_the_first_hundred_types_of_each_kind_and_every_record_counts_in_the_totals()
    {
        var collector = new QualityCollector(s_now, null);
        for (var i = 0; i < 150; i++)
        {
            collector.Add(Entity($"type{i}", $"e{i}"));
        }

        for (var i = 0; i < 150; i++)
        {
            collector.Add(Interaction($"e{i}", $"e{149 - i}", s_now.AddDays(-1)) with { Type = $"event{i}" });
        }

        collector.Add(Interaction("e0", "nobody", s_now.AddDays(-1)) with { Type = "event149" });
        var report = collector.Build(new Dictionary<string, AttributeType>(), null, null);

        Assert.Equal((150L, 151L), (report.Entities!.Count, report.Interactions!.Count));
        Assert.Equal(QualityCollector.MaxTypes, report.Entities.ByType.Count);
        Assert.Equal(QualityCollector.MaxTypes, report.Interactions.ByType.Count);
        // The ids of entities past the hundredth type still count: only the interaction with a target of none is an orphan.
        Assert.Equal(1L, report.Interactions.Orphans);
    }

    [Fact]
    public void An_id_tally_takes_the_union_of_another_and_refuses_one_that_overflowed()
    {
        var kept = new IdTally();
        kept.Add(Hash("a"));
        var loaded = new IdTally();
        loaded.Add(Hash("b"));
        loaded.Add(Hash("b"));

        Assert.True(kept.UnionWith(loaded));
        Assert.True(kept.Contains(Hash("a")) && kept.Contains(Hash("b")));
        Assert.Equal(2, kept.Count);

        var overflowed = new IdTally();
        for (var i = 0; i <= IdTally.Capacity; i++)
        {
            overflowed.Add((ulong)(i + 1) << 8);
        }

        Assert.False(kept.UnionWith(overflowed));
    }

    [Fact]
    public void Kept_id_sets_are_given_out_once_for_exactly_their_state_and_the_oldest_go_first()
    {
        var ids = new IdTally();
        ids.Add(Hash("a"));
        var kept = new KeptIdSets(2 * ids.Bytes);
        var state = new KeptIdSets.DatasetState("d", s_now, 3);
        kept.Put(state, RecordKind.Entity, ids);

        Assert.Null(kept.Take(state.Next(), RecordKind.Entity));                              // another version: dropped
        Assert.Null(kept.Take(state, RecordKind.Entity));
        kept.Put(state, RecordKind.Entity, ids);
        Assert.Null(kept.Take(state with { CreatedAt = s_now.AddTicks(1) }, RecordKind.Entity));  // another dataset of that id
        kept.Put(state, RecordKind.Entity, ids);
        Assert.Null(kept.Take(state, RecordKind.Interaction));
        Assert.Same(ids, kept.Take(state, RecordKind.Entity));
        Assert.Null(kept.Take(state, RecordKind.Entity));                                    // taken: one load at a time

        var other = new IdTally();
        other.Add(Hash("b"));
        var third = new IdTally();
        third.Add(Hash("c"));
        kept.Put(state, RecordKind.Entity, ids);
        kept.Put(state, RecordKind.Interaction, other);
        kept.Put(state with { DatasetId = "e" }, RecordKind.Entity, third);                // past the bytes: the oldest goes
        Assert.Null(kept.Take(state, RecordKind.Entity));
        Assert.Same(other, kept.Take(state, RecordKind.Interaction));
        Assert.Same(third, kept.Take(state with { DatasetId = "e" }, RecordKind.Entity));
    }

    [Fact]
    public void A_dataset_pass_finds_orphans_against_the_entities_of_every_type_it_read_first()
    {
        var collector = new QualityCollector(s_now, null);
        collector.Add(Entity("product", "p1"));
        collector.Add(Entity("user", "u1"));
        collector.Add(Entity("product", "p2"));
        collector.Add(Interaction("u1", "p1", s_now.AddDays(-1)));
        collector.Add(Interaction("u1", "p3", s_now.AddDays(-1)));
        collector.Add(Interaction("u9", "p2", s_now.AddDays(-1)));
        var report = collector.Build(new Dictionary<string, AttributeType>(), null, null);

        Assert.Equal(2, report.Interactions!.Orphans);
        Assert.Equal((1L, 1L), (report.Interactions.ByType[0].OrphanSources!.Value, report.Interactions.ByType[0].OrphanTargets!.Value));
        // Every entity is named by an interaction, so none is cold.
        Assert.Equal(0, report.Entities!.Cold);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void An_entity_load_names_every_id_it_read_whatever_their_types(int types)
    {
        var collector = new QualityCollector(s_now, null);
        collector.UseEndpointIds(new IdTally());
        for (var i = 0; i < 3_000; i++)
        {
            collector.Add(Entity($"type-{i % types}", $"e{i % 2_000}"));
        }

        var named = Assert.Single(collector.IdsNamed(RecordKind.Entity));

        Assert.False(named.Overflowed);
        Assert.Equal(2_000, named.Count);
        Assert.All(Enumerable.Range(0, 2_000), i => Assert.True(named.Contains(Hash($"e{i}"))));
        Assert.False(named.Contains(Hash("e2000")));
    }

    [Fact]
    public void An_id_tally_made_room_for_its_ids_at_once_takes_them_without_growing()
    {
        var tally = new IdTally();
        tally.EnsureCapacity(100_000);
        var bytes = tally.Bytes;
        for (var i = 0; i < 100_000; i++)
        {
            tally.Add(Hash($"e{i}"));
        }

        Assert.Equal(bytes, tally.Bytes);
        Assert.Equal(100_000, tally.Count);
        Assert.All(Enumerable.Range(0, 100_000), i => Assert.True(tally.Contains(Hash($"e{i}"))));
        Assert.False(tally.Contains(Hash("e100000")));

        // Made room for more ids than it may track, it stops at its capacity's table.
        var bounded = new IdTally();
        bounded.EnsureCapacity(long.MaxValue);
        Assert.True(bounded.Bytes <= 4L * IdTally.Capacity * sizeof(ulong));

        // An empty tally takes another's size at once; the union of several their total.
        var copy = new IdTally();
        Assert.True(copy.UnionWith(tally));
        Assert.Equal((bytes, 100_000), (copy.Bytes, copy.Count));
        Assert.Equal(100_000, IdTally.Union([tally, copy]).Count);
    }

    [Fact]
    public void The_union_of_tallies_says_it_overflowed_when_one_of_them_did()
    {
        var small = new IdTally();
        small.Add(Hash("a"));
        var overflowed = new IdTally();
        for (var i = 0; i <= IdTally.Capacity; i++)
        {
            overflowed.Add((ulong)(i + 1) << 8);
        }

        Assert.False(IdTally.Union([small]).Overflowed);
        Assert.True(IdTally.Union([small]).Contains(Hash("a")));
        Assert.True(IdTally.Union([small, overflowed]).Overflowed);
    }

    private static StoredRecord Entity(string type, string id) =>
        new(RecordKind.Entity, type, id, null, null, null, null, null, null, "entity", 1);

    private static StoredRecord Interaction(string source, string target, DateTimeOffset at) =>
        new(RecordKind.Interaction, "view", source, target, at.ToUnixTimeMilliseconds(), null, null, null, null, "interaction", 1);
}
