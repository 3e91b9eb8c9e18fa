package io.pgconn.internal.query;

import io.pgconn.internal.protocol.backend.RowDescription;
import io.pgconn.internal.protocol.frontend.BindNames;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The named server-side prepared statements of one connection, least recently used first out.
 * An evicted or invalidated statement's name is queued for a Close that the next exchange sends
 * before anything else (so no error earlier in that exchange can skip it). Names are never reused,
 * so a Close lost to a dropped exchange can only leave an unused statement behind, never a clash.
 * Capacity 0 keeps nothing: every statement is parsed unnamed. Every name starts with a prefix unique to the
 * connection ({@link StatementNamePrefix}), so a server session shared with other connections (a pooler in
 * transaction mode) can never run another connection's statement for one of ours; when the server shows that it is
 * such a session ({@link SharedServerSession}), the cache turns itself off for good. Event loop only.
 *
 * <p>The server lexes a text once, at its Parse: a named statement keeps the literals it was parsed
 * with (revalidation re-analyses the parse tree, it does not read the text again). Under
 * {@code standard_conforming_strings = off} a backslash in a plain {@code '...'} literal escapes, so
 * the same text means another value under each setting; when the session's ParameterStatus says the
 * setting changed, every entry is dropped at the next exchange (and closed by it), and texts are parsed anew
 * under the new one. A statement written before the server's answer to the {@code SET} (pipelined
 * behind it) still uses the entries of the setting before, as its {@code SqlShape} does.
 *
 * <p>The server also resolves a text's names once, through the {@code search_path} in force at its Parse: the same
 * text under another path is another statement (a table of another tenant's schema, with other columns), and a named
 * statement run under another path is re-planned by the server and fails with 0A000 "cached plan must not change
 * result type" when its columns differ — inside a transaction a failure the transaction does not survive
 * (NEW-USER-26 S10: a multi-tenant application's {@code set_config('search_path', ..., true)} per transaction). So an
 * entry is kept per text and the search path the server reported when it was made (PostgreSQL 18+ reports
 * {@code search_path}; the session drops every entry at a {@code SET} that may change it on older servers, as pgjdbc
 * does). A statement written before the server reported a path set in its own pipeline still uses the path before.
 */
public final class StatementCache {

    /** A named statement; its row description is known once the server answered its Describe. */
    public static final class Entry {
        final String name;
        /** Grows with every entry: a DISCARD ALL drops only entries made before its exchange was written. */
        final long id;
        final String sql;
        final int[] typeOids;
        /** The search_path the server reported when the entry was made (null: a server that does not report it). */
        final String searchPath;
        /** null until described; a RowDescription with no columns when the statement returns no rows (NoData). */
        RowDescription description;
        boolean parsed;
        /** The description as metadata for {@link #metadataFormats}, shared by every execution. */
        io.pgconn.query.RowMetadata metadata;
        short[] metadataFormats;
        ValueCodecs.RowDecoder rowDecoder;
        /** What {@link #metadataFormats} were worked out from: reused while both are the same objects. */
        RowDescription formatsDescription;
        ValueCodecs formatsCodecs;
        /** The unnamed portal and {@link #name}, checked and encoded by the first Bind: every later one writes them as they are. */
        private BindNames bindNames;

        Entry(long id, String name, String sql, int[] typeOids, String searchPath) {
            this.id = id;
            this.name = name;
            this.sql = sql;
            this.typeOids = typeOids;
            this.searchPath = searchPath;
        }

        /** Whether this is the entry of {@code sql} with {@code typeOids} under {@code searchPath}. */
        boolean isFor(String sql, int[] typeOids, String searchPath) {
            return this.sql.equals(sql) && Arrays.equals(this.typeOids, typeOids) && Objects.equals(this.searchPath, searchPath);
        }

        Key key() {
            return new Key(sql, typeOids, searchPath);
        }

        public String name() {
            return name;
        }

        /** The names its Binds write (checked where a Bind of the name was checked before: at the first execution's). */
        BindNames bindNames() {
            BindNames names = bindNames;
            if (names == null) {
                names = BindNames.of("", name);
                bindNames = names;
            }
            return names;
        }
    }

    private record Key(String sql, int[] typeOids, String searchPath) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && sql.equals(k.sql) && Arrays.equals(typeOids, k.typeOids)
                    && Objects.equals(searchPath, k.searchPath);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * sql.hashCode() + Arrays.hashCode(typeOids)) + Objects.hashCode(searchPath);
        }
    }

    private final int capacity;
    /** {@code pgconn_<connection tag>_}: the statement's number follows. */
    private final String namePrefix;
    /**
     * The server showed that this connection's statements do not stay on one server session (a pooler in transaction
     * mode): every statement is parsed unnamed from then on, as under capacity 0.
     */
    private boolean sessionShared;
    /**
     * Entries up to this id may be gone from the server because of a DISCARD ALL or a DEALLOCATE the session ran
     * (its exchange was written at this mark): a 26000 for one of them is explained, not a sign of a shared session.
     */
    private long deallocatedUpTo;
    /** The session's ParameterStatus map, kept current by the session. */
    private final Map<String, String> serverParameters;
    /** The standard_conforming_strings the entries were parsed under. */
    private boolean entriesStandard;
    /**
     * The search_path the server reported last (PostgreSQL 18+; null: a server that does not report it), the key of the
     * entries made now: the startup's ({@link #startupSearchPath}), then each report's ({@link #searchPathReported}). A
     * field read per statement, not a lookup in the parameter map.
     */
    private String searchPath;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final List<String> toClose = new ArrayList<>();
    private long nextId;
    /**
     * The entry used last, which access order keeps at the LRU end: a statement run again and again
     * finds it without a lookup key (and its hashing) per execution. Cleared whenever entries leave.
     */
    private Entry lastUsed;
    /**
     * Whether this thread may touch the session's state now (assertions only, {@link #belongsTo}; REVIEW-18-START L6):
     * the loop inside one of the session's doors, or the caller that owns the session. Always, for one on its own.
     */
    private BooleanSupplier mayTouchState = () -> true;

    /** A cache whose server never reports standard_conforming_strings (on, as since PostgreSQL 9.1). */
    public StatementCache(int capacity) {
        this(capacity, Map.of());
    }

    /** @param serverParameters the session's ParameterStatus map, kept current by the session */
    public StatementCache(int capacity, Map<String, String> serverParameters) {
        this.capacity = capacity;
        this.namePrefix = StatementNamePrefix.next();
        this.serverParameters = serverParameters;
        this.entriesStandard = standardConformingStrings();
        this.searchPath = serverParameters.get("search_path");
    }

    /**
     * Assertions only — {@code assert cache.belongsTo(session::mayTouchState)}: its mutators assert that this thread may
     * touch the session's state ({@link QuerySession#mayTouchState}), so a missed door fails a test, not a user.
     */
    public boolean belongsTo(BooleanSupplier mayTouchState) {
        this.mayTouchState = mayTouchState;
        return true;
    }

    /** The setting now ({@link StandardConformingStrings}), as {@link SqlShapes#standardConformingStrings()} reads it. */
    private boolean standardConformingStrings() {
        return StandardConformingStrings.in(serverParameters);
    }

    /** Drops every entry (each closed) when standard_conforming_strings is not what they were parsed under. */
    private void followStandardConformingStrings() {
        boolean standard = standardConformingStrings();
        if (standard != entriesStandard) {
            entriesStandard = standard;
            dropAll();
        }
    }

    /** Drops every entry (each closed, with the next exchange). */
    public void dropAll() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        lastUsed = null;
        for (Entry entry : entries.values()) {
            toClose.add(entry.name);
        }
        entries.clear();
    }

    /**
     * Drops the entries that use one of {@code typeOids}' types (each closed, with the next exchange): a type the
     * session looks up by name was dropped or created again, or resolves to another type now — a statement prepared
     * against its old OID fails with "cache lookup failed for type" (the server's plan cache does not track types), so
     * it is parsed anew. An entry uses a type when the type's OID is one of its parameter types or (once described) its
     * result column types, or its text names the type as a word (a cast: {@code 'ok'::mood}, {@code "Mood"[]}, the
     * array type's {@code _mood}; not {@code moods} nor {@code bad_mood}); one not described yet goes too.
     * Statements that use none of them stay prepared (a tenant's other statements, when its path's type differs).
     * Runs once per changed answer, never per statement.
     *
     * @param typeOids the old OIDs, each with the name it was looked up by ({@code mood}, {@code app.mood},
     *                 {@code mood[]})
     */
    public void dropUsing(Map<Integer, String> typeOids) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        TypeNameWords names = TypeNameWords.of(typeOids.values());
        lastUsed = null;
        entries.values().removeIf(entry -> {
            if (!uses(entry, typeOids, names)) {
                return false;
            }
            toClose.add(entry.name);
            return true;
        });
    }

    private static boolean uses(Entry entry, Map<Integer, String> typeOids, TypeNameWords names) {
        for (int oid : entry.typeOids) {
            if (typeOids.containsKey(oid)) {
                return true;
            }
        }
        RowDescription description = entry.description;
        if (description == null) {
            return true;
        }
        for (RowDescription.Column column : description.columns()) {
            if (typeOids.containsKey(column.typeOid())) {
                return true;
            }
        }
        return names.namedIn(entry.sql);
    }

    public boolean enabled() {
        return capacity > 0 && !sessionShared;
    }

    /** What every statement name of this connection starts with: {@code pgconn_}, the connection's tag, {@code _}. */
    public String namePrefix() {
        return namePrefix;
    }

    /**
     * The server showed that it does not keep this connection's statements on one server session (a pooler in
     * transaction mode, {@link SharedServerSession}): the cache is off from now on, every entry dropped and closed —
     * except {@code failing} when it was never parsed (the server session has another statement by its name, which
     * is not ours to close).
     */
    void serverSessionShared(Entry failing) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        sessionShared = true;
        if (!failing.parsed) {
            Key key = failing.key();
            if (entries.get(key) == failing) {
                entries.remove(key);
            }
        }
        dropAll();
    }

    /** Whether the server showed that this connection's statements do not stay on one server session. */
    public boolean serverSessionShared() {
        return sessionShared;
    }

    /** Whether a DISCARD ALL or DEALLOCATE the session ran may have dropped {@code entry} from the server. */
    boolean mayHaveBeenDeallocated(Entry entry) {
        return entry.id <= deallocatedUpTo;
    }

    /**
     * A DEALLOCATE of one statement ran in an exchange written at {@code mark} (its name is not read: the server may
     * have dropped any entry made before it): a 26000 for one of those is the ordinary stale case.
     */
    public void serverDeallocated(long mark) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        deallocatedUpTo = Math.max(deallocatedUpTo, mark);
    }

    public int size() {
        return entries.size();
    }

    Entry get(String sql, int[] typeOids) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        followStandardConformingStrings();
        String searchPath = this.searchPath;
        Entry last = lastUsed;
        if (last != null && last.isFor(sql, typeOids, searchPath)) {
            return last; // already the most recently used: the map's order would not change
        }
        Entry found = entries.get(new Key(sql, typeOids, searchPath));
        if (found != null) {
            lastUsed = found;
        }
        return found;
    }

    /** A new entry for a statement about to be parsed; evicts the least recently used beyond capacity. */
    Entry create(String sql, int[] typeOids) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        long id = ++nextId;
        Entry entry = new Entry(id, namePrefix + id, sql, typeOids, searchPath);
        entries.put(entry.key(), entry);
        lastUsed = entry; // the newest is never the one evicted (capacity > 0)
        Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
        while (entries.size() > capacity && eldest.hasNext()) {
            Entry evicted = eldest.next().getValue();
            eldest.remove();
            toClose.add(evicted.name);
        }
        return entry;
    }

    /** Forgets {@code entry} (its Parse failed, or the server says it is gone or stale); closes it if it was parsed. */
    void invalidate(Entry entry) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        lastUsed = null; // the get below may reorder the map
        Key key = entry.key();
        if (entries.get(key) == entry) {
            entries.remove(key);
            toClose.add(entry.name); // a Close of a statement that does not exist is not an error
        }
    }

    /** The id of the newest entry so far: what an exchange written now was preceded by. */
    public long mark() {
        return nextId;
    }

    /**
     * DISCARD ALL / DEALLOCATE ALL ran in an exchange written at {@code mark}: the server dropped
     * every statement parsed before it, so those entries go and need no Close. Entries made by
     * exchanges written after it were parsed after it: they exist and stay (and so do their Closes).
     */
    public void serverDiscardedAll(long mark) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        lastUsed = null;
        deallocatedUpTo = Math.max(deallocatedUpTo, mark);
        entries.values().removeIf(entry -> entry.id <= mark);
        toClose.removeIf(name -> Long.parseLong(name.substring(namePrefix.length())) <= mark);
    }

    /**
     * The search_path the server reported during the startup (null: a server that does not report it), the key of the
     * first entries. Set once by the connect path, before anyone else has the session.
     */
    public void startupSearchPath(String path) {
        this.searchPath = path;
    }

    /**
     * The server reported search_path {@code path} in the answer to an exchange written at {@code mark}: entries made
     * from now on are filed under it. The entries made by exchanges written after that one were keyed under the path
     * before, which the client still knew, but the server parses them after the change, under the new one (REVIEW-26
     * R26-8: a statement pipelined behind a tenant switch was filed under the last tenant's path, and that tenant's next
     * request got the other shape: 0A000). They go, each closed.
     */
    public void searchPathReported(long mark, String path) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        searchPath = path;
        lastUsed = null;
        entries.values().removeIf(entry -> {
            if (entry.id <= mark) {
                return false;
            }
            toClose.add(entry.name);
            return true;
        });
    }

    /** Puts back names drained for an exchange that could not be written after all. */
    void restoreToClose(List<String> names) {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        toClose.addAll(0, names);
    }

    /** Names to Close at the start of the next exchange. */
    List<String> drainToClose() {
        assert mayTouchState.getAsBoolean() : "the session's state touched outside its doors";
        followStandardConformingStrings(); // the Closes of a change go with the exchange that sees it
        if (toClose.isEmpty()) {
            return List.of();
        }
        List<String> names = List.copyOf(toClose);
        toClose.clear();
        return names;
    }
}
