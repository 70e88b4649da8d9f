using System.IO.Hashing;
using System.Text;
using Intake.Core.Records;

namespace Intake.Core.Quality;

/// <summary>
/// Computes a <see cref="QualityReport"/> in one pass over records: a load's accepted records, batch by batch as
/// the load hands them to its store, or a dataset's records read back (entities first, then interactions). Ids
/// are kept as 64-bit hashes in bounded tables (<see cref="IdTally"/>), so memory does not grow with the records.
/// Orphans need the dataset's entity ids and cold entities the ids its interactions name: a load is given the
/// other kind's ids by the store (<see cref="UseEntityIds"/>, <see cref="UseEndpointIds"/>); a dataset pass
/// collects them itself. Not thread-safe.
/// </summary>
public sealed class QualityCollector(DateTimeOffset now, DateTimeOffset? floor)
{
    private const int MaxAttributes = 1000;

    /// <summary>
    /// Types of each kind with figures of their own; records of further types count in the totals only (entities' ids still
    /// reach the orphan check). Each type keeps 8 KB of sketches and is looked up by name per record, so a file whose
    /// type column held ids (40,000 types: 9 s for 40,000 records, and growing with the square) ran for hours.
    /// </summary>
    public const int MaxTypes = 100;

    /// <summary>How many records ahead a tally's slot is prefetched: enough for a memory round trip, not so many that the lines are evicted again.</summary>
    private const int PrefetchAhead = 8;
    private readonly long _now = now.ToUnixTimeMilliseconds();
    private readonly long? _floor = floor?.ToUnixTimeMilliseconds();
    private readonly List<InteractionType> _interactionTypes = [];
    private readonly List<EntityType> _entityTypes = [];
    private readonly List<Attribute> _attributes = [];
    private readonly IdTally _sources = new();
    private readonly IdTally _targets = new();
    private IdTally? _entityIds;
    private long _entityIdsCollectedAt;
    private IdTally? _endpointIds;
    private bool _collectEntityIds = true;
    private ulong[] _hashes = [];
    private EntityType? _lastEntityType;

    // The entities of the types past MaxTypes, kept for their ids only (the orphan check), never reported.
    private readonly EntityType _otherEntityTypes = new([]);
    private readonly List<(byte[] Spelling, Attribute Attribute)> _spellings = [];
    private int _nextSpelling;
    private long _interactions;
    private long _entities;
    private long _orphans;
    private long _future;
    private long _beforeFloor;
    private long _minTimestamp = long.MaxValue;
    private long _maxTimestamp = long.MinValue;

    /// <summary>The dataset's entity ids, read from the store, for an interaction load's orphans.</summary>
    public void UseEntityIds(IdTally ids)
    {
        _entityIds = ids;
        _collectEntityIds = false;
    }

    /// <summary>The ids the dataset's interactions name (sources and targets), read from the store, for an entity load's cold entities.</summary>
    public void UseEndpointIds(IdTally ids) => _endpointIds = ids;

    /// <summary>
    /// The ids the records added so far name, as the dataset will hold them once they are written: an entity load's
    /// entity ids (none if <see cref="UseEntityIds"/> was called), an interaction load's sources and targets.
    /// </summary>
    public IEnumerable<IdTally> IdsNamed(RecordKind kind)
    {
        if (kind != RecordKind.Entity)
        {
            return [_sources, _targets];
        }

        CollectEntityIds();
        return [_entityIds ?? new IdTally()];
    }

    /// <summary>The hash ids are kept by; stores use it to hand ids over.</summary>
    public static ulong Hash(ReadOnlySpan<byte> id) => IdTally.Hash(id);

    public void Add(RecordBatch batch)
    {
        var slots = batch.Slots;
        if (batch.RecordType?.Kind is RecordKind.Interaction)
        {
            AddInteractions(batch, slots);
            return;
        }

        AddEntities(batch, slots);
    }

    /// <summary>A batch's entities, prefetched as <see cref="AddInteractions"/> does (into the last record's type, mostly the next one's too).</summary>
    private void AddEntities(RecordBatch batch, ReadOnlySpan<RecordSlot> slots)
    {
        var hashes = Hashes(slots.Length);
        for (var i = 0; i < slots.Length; i++)
        {
            hashes[i] = Hash(batch.Text(slots[i].Id));
        }

        for (var i = 0; i < slots.Length; i++)
        {
            if (i + PrefetchAhead < slots.Length)
            {
                _lastEntityType?.Ids.Prefetch(hashes[i + PrefetchAhead]);
            }

            ref readonly var slot = ref slots[i];
            AddEntity(batch.Text(slot.Type), batch.Text(slot.Id), hashes[i], slot.Attributes.IsNull ? default : batch.Text(slot.Attributes));
        }
    }

    private Span<ulong> Hashes(int count)
    {
        if (_hashes.Length < count)
        {
            _hashes = new ulong[count];
        }

        return _hashes.AsSpan(0, count);
    }

    /// <summary>
    /// A batch's interactions, their ids hashed first so that each tally's slot is fetched a few records before it
    /// is counted (<see cref="IdTally.Prefetch"/>): the counting then rarely waits for memory.
    /// </summary>
    private void AddInteractions(RecordBatch batch, ReadOnlySpan<RecordSlot> slots)
    {
        CollectEntityIds();
        var hashes = Hashes(2 * slots.Length);
        for (var i = 0; i < slots.Length; i++)
        {
            hashes[2 * i] = Hash(batch.Text(slots[i].Id));
            hashes[(2 * i) + 1] = Hash(batch.Text(slots[i].TargetId));
        }

        for (var i = 0; i < slots.Length; i++)
        {
            if (i + PrefetchAhead < slots.Length)
            {
                _sources.Prefetch(hashes[2 * (i + PrefetchAhead)]);
                _targets.Prefetch(hashes[(2 * (i + PrefetchAhead)) + 1]);
            }

            ref readonly var slot = ref slots[i];
            AddInteraction(batch.Text(slot.Type), hashes[2 * i], hashes[(2 * i) + 1], slot.Timestamp,
                slot.Attributes.IsNull ? default : batch.Text(slot.Attributes));
        }
    }

    /// <summary>A record read back. A dataset pass must add every entity before the first interaction.</summary>
    public void Add(Storage.StoredRecord record)
    {
        var attributes = record.AttributesJson is null ? default : Encoding.UTF8.GetBytes(record.AttributesJson);
        if (record.Kind == RecordKind.Entity)
        {
            var id = Encoding.UTF8.GetBytes(record.Id);
            AddEntity(Encoding.UTF8.GetBytes(record.Type), id, Hash(id), attributes);
        }
        else
        {
            CollectEntityIds();
            AddInteraction(Encoding.UTF8.GetBytes(record.Type), Hash(Encoding.UTF8.GetBytes(record.Id)), Hash(Encoding.UTF8.GetBytes(record.TargetId ?? "")),
                record.Timestamp ?? 0, attributes);
        }
    }

    private void AddEntity(ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, ulong hash, ReadOnlySpan<byte> attributes)
    {
        _entities++;
        var entry = _lastEntityType = Find(_entityTypes, type, static name => new EntityType(name)) ?? _otherEntityTypes;
        entry.Count++;
        entry.Distinct.Add(XxHash3.HashToUInt64(id, unchecked((long)entry.Seed)));
        entry.Ids.Add(hash);
        AddAttributes(RecordKind.Entity, attributes);
    }

    private void AddInteraction(ReadOnlySpan<byte> type, ulong sourceHash, ulong targetHash, long timestamp, ReadOnlySpan<byte> attributes)
    {
        _interactions++;
        var entry = Find(_interactionTypes, type, static name => new InteractionType(name));
        if (entry is not null)
        {
            entry.Count++;
            entry.Sources.Add(sourceHash);
            entry.Targets.Add(targetHash);
        }

        var entities = _entityIds;
        var orphanSource = CountOrphan(_sources, sourceHash, entities);
        var orphanTarget = CountOrphan(_targets, targetHash, entities);
        if ((orphanSource || orphanTarget) && entry is not null)
        {
            entry.Orphans++;
            entry.OrphanSources += orphanSource ? 1 : 0;
            entry.OrphanTargets += orphanTarget ? 1 : 0;
        }

        _orphans += orphanSource || orphanTarget ? 1 : 0;

        _minTimestamp = Math.Min(_minTimestamp, timestamp);
        _maxTimestamp = Math.Max(_maxTimestamp, timestamp);
        _future += timestamp > _now ? 1 : 0;
        _beforeFloor += timestamp < _floor ? 1 : 0;
        AddAttributes(RecordKind.Interaction, attributes);
    }

    /// <summary>
    /// The dataset's entity ids, when this collector gathers them itself (no <see cref="UseEntityIds"/>): the ids of the
    /// entities added so far, which are the one entity type's own tally (an entity load), or the union of the types'
    /// tallies, made again only after more entities were added. An entity load used to keep a second tally of every
    /// id beside its type's: 8 MiB more for 500,000 ids, grown by doubling.
    /// </summary>
    private void CollectEntityIds()
    {
        if (!_collectEntityIds || _entityIdsCollectedAt == _entities)
        {
            return;
        }

        _entityIdsCollectedAt = _entities;
        var tallies = _entityTypes.ConvertAll(type => type.Ids);
        if (_otherEntityTypes.Count > 0)
        {
            tallies.Add(_otherEntityTypes.Ids);
        }

        _entityIds = tallies.Count == 1 ? tallies[0] : IdTally.Union(tallies);
    }

    /// <summary>Counts an interaction's end; whether it matches no entity (every end does when the dataset has none).</summary>
    private static bool CountOrphan(IdTally ends, ulong id, IdTally? entities)
    {
        if (entities is null)
        {
            ends.Add(id);
            return true;
        }

        return !ends.AddAndCheck(id, entities);
    }

    private void AddAttributes(RecordKind kind, ReadOnlySpan<byte> json)
    {
        var members = new JsonObjectMembers(json);
        while (members.Next(out var name, out var value))
        {
            if (value[0] == 'n')
            {
                continue;
            }

            var attribute = FindAttribute(kind, name);
            if (attribute is not null)
            {
                attribute.Present++;
                attribute.Values.Add(Hash(value));
            }
        }
    }

    /// <summary>The attribute a name is spelled as in the JSON (escapes left in); every spelling of one name finds the same attribute.</summary>
    private Attribute? FindAttribute(RecordKind kind, ReadOnlySpan<byte> spelling)
    {
        // Records of a file mostly list their attributes in one order: the one after the last found comes first.
        for (var n = 0; n < _spellings.Count; n++)
        {
            var i = (_nextSpelling + n) % _spellings.Count;
            var known = _spellings[i];
            if (known.Attribute.Kind == kind && spelling.SequenceEqual(known.Spelling))
            {
                _nextSpelling = i + 1;
                return known.Attribute;
            }
        }

        var name = JsonObjectMembers.Unescape(spelling);
        Attribute? attribute = null;
        foreach (var existing in _attributes)
        {
            if (existing.Kind == kind && name.SequenceEqual(existing.Name))
            {
                attribute = existing;
                break;
            }
        }

        if (attribute is null)
        {
            if (_attributes.Count >= MaxAttributes)
            {
                return null;
            }

            attribute = new Attribute(kind, name.ToArray());
            _attributes.Add(attribute);
        }

        if (_spellings.Count < 2 * MaxAttributes)
        {
            _spellings.Add((spelling.ToArray(), attribute));
        }

        return attribute;
    }

    /// <summary>The type named <paramref name="name"/>, added if there is room (<see cref="MaxTypes"/>); null when there is none.</summary>
    private static T? Find<T>(List<T> types, ReadOnlySpan<byte> name, Func<byte[], T> create) where T : Named
    {
        foreach (var type in types)
        {
            if (name.SequenceEqual(type.Name))
            {
                return type;
            }
        }

        if (types.Count >= MaxTypes)
        {
            return null;
        }

        var added = create(name.ToArray());
        types.Add(added);
        return added;
    }

    /// <param name="attributeTypes">The dataset's attribute types, to name each attribute's type.</param>
    /// <param name="kind">The kind a load read; null for a dataset's records.</param>
    /// <param name="duplicates">Records whose key repeats an earlier one of the same load (null for a dataset: keys are unique there).</param>
    public QualityReport Build(IReadOnlyDictionary<string, AttributeType> attributeTypes, RecordKind? kind, long? duplicates)
    {
        static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 6);

        // Only interactions are checked against the entity ids; an entity load's report needs no union of its types' ids.
        if (_interactions > 0)
        {
            CollectEntityIds();
        }

        var endpoints = _endpointIds;
        var orphansKnown = _entityIds is not { Overflowed: true };
        bool Cold(ulong id) => endpoints is not null ? !endpoints.Contains(id) : !_sources.Contains(id) && !_targets.Contains(id);
        var coldKnown = !(endpoints?.Overflowed ?? false) && !_sources.Overflowed && !_targets.Overflowed;
        var entityTypes = _entityTypes.Select(t =>
        {
            long? cold = coldKnown && !t.Ids.Overflowed ? t.Ids.Keys().LongCount(Cold) : null;
            return new EntityTypeFigures(Encoding.UTF8.GetString(t.Name), t.Count, t.Distinct.Estimate(), cold);
        }).OrderBy(t => t.Type, StringComparer.Ordinal).ToList();
        var coldTotal = entityTypes.All(t => t.Cold is not null) ? entityTypes.Sum(t => t.Cold!.Value) : (long?)null;
        ActivityFigures? Activity(IdTally tally) => tally.Overflowed ? null : new ActivityFigures(tally.AtLeast(1), tally.AtLeast(2), tally.AtLeast(5));
        long? Known(long value) => orphansKnown ? value : null;
        double? KnownShare(long part, long whole) => orphansKnown ? Share(part, whole) : null;
        var records = _entities + _interactions;
        return new QualityReport
        {
            Kind = kind?.ToWire(),
            Records = records,
            Duplicates = duplicates,
            DuplicateShare = duplicates is { } d ? Share(d, records) : null,
            Entities = _entities == 0 ? null : new EntityFigures(_entities, coldTotal, coldTotal is { } c ? Share(c, _entities) : null, entityTypes),
            Interactions = _interactions == 0 ? null : new InteractionFigures(
                _interactions, Known(_orphans), KnownShare(_orphans, _interactions),
                _interactionTypes.Select(t => new InteractionTypeFigures(Encoding.UTF8.GetString(t.Name), t.Count, Known(t.Orphans),
                    KnownShare(t.Orphans, t.Count), Known(t.OrphanSources), Known(t.OrphanTargets), t.Sources.Estimate(), t.Targets.Estimate()))
                    .OrderBy(t => t.Type, StringComparer.Ordinal).ToList(),
                Activity(_sources), Activity(_targets),
                new TimeFigures(
                    DateTimeOffset.FromUnixTimeMilliseconds(_minTimestamp), DateTimeOffset.FromUnixTimeMilliseconds(_maxTimestamp),
                    _future, _floor is null ? null : _beforeFloor, _floor is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null)),
            Attributes = _attributes.Select(a =>
            {
                var name = Encoding.UTF8.GetString(a.Name);
                var of = a.Kind == RecordKind.Entity ? _entities : _interactions;
                return new AttributeFigures(name, a.Kind.ToWire(), attributeTypes.TryGetValue(name, out var type) ? type.ToWire() : null, a.Present,
                    Share(a.Present, of), a.Values.Estimate());
            }).OrderBy(a => a.Kind, StringComparer.Ordinal).ThenBy(a => a.Name, StringComparer.Ordinal).ToList(),
        };
    }

    private abstract class Named(byte[] name)
    {
        public byte[] Name { get; } = name;
    }

    private sealed class InteractionType(byte[] name) : Named(name)
    {
        public long Count;
        public long Orphans;
        public long OrphanSources;
        public long OrphanTargets;
        public readonly HyperLogLog Sources = new();
        public readonly HyperLogLog Targets = new();
    }

    private sealed class EntityType(byte[] name) : Named(name)
    {
        public long Count;
        public readonly ulong Seed = 0x9E3779B97F4A7C15UL;
        public readonly HyperLogLog Distinct = new();
        public readonly IdTally Ids = new();
    }

    private sealed class Attribute(RecordKind kind, byte[] name)
    {
        public RecordKind Kind { get; } = kind;

        public byte[] Name { get; } = name;

        public long Present;
        public readonly HyperLogLog Values = new();
    }
}
