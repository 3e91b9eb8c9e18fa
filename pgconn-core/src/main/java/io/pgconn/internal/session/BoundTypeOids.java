package io.pgconn.internal.session;

import io.pgconn.codec.CodecRegistry;
import io.pgconn.internal.query.RegistryValueCodecs;

import io.pgconn.internal.query.StatementCache;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The type OIDs a connection's codecs are bound to: the {@code extensionTypes} the connect path looked up, and each
 * answer the session's lookup after type DDL gives ({@link SessionTypeOids}). Each answer binds the factory's registry
 * afresh (a recreated type has a new OID), and when a type known before has gone or has another OID, the prepared
 * statements that use it are dropped. Written by the connect path and then on the event loop; read from any thread.
 */
final class BoundTypeOids {

    private final PipelinedSession session;
    /** The factory's registry, before any OIDs were bound: each answer is bound to it afresh; null for other codecs. */
    private final CodecRegistry unboundCodecs;
    private volatile Map<String, Integer> oids = Map.of();
    /** Whether an answer was bound (the connect path's lookup may have failed): the session keeps it by search path. */
    private volatile boolean answered;

    BoundTypeOids(PipelinedSession session) {
        this.session = session;
        this.unboundCodecs = session.codecs() instanceof RegistryValueCodecs registry ? registry.registry() : null;
    }

    /**
     * The type OIDs found (by the connect path, and again on the event loop after type DDL, or an answer kept for the
     * search path in force again): the codecs are the factory's registry bound to them. An answer equal to the one
     * bound changes nothing — the codecs stay the same object, so each cached statement keeps its result formats and
     * row decoder (a tenant's path set back binds its kept answer on every request). When a type known before has gone
     * or has another OID, the prepared statements that use its old OID are dropped ({@link StatementCache#dropUsing});
     * the others stay.
     */
    void bind(Map<String, Integer> typeOids) {
        Map<String, Integer> before = this.oids;
        if (answered && before.equals(typeOids)) {
            return;
        }
        this.oids = Map.copyOf(typeOids);
        this.answered = true;
        Map<Integer, String> gone = new HashMap<>();
        before.forEach((name, oid) -> {
            if (!oid.equals(typeOids.get(name))) {
                gone.put(oid, name);
            }
        });
        if (!gone.isEmpty()) {
            // a type dropped (or created again, or another one under this search path): statements prepared against its
            // old OID go — the server's plan cache does not track types, and such a statement fails "cache lookup failed"
            session.statementCache().dropUsing(gone);
        }
        if (unboundCodecs != null) {
            session.codecs(new RegistryValueCodecs(unboundCodecs.bind(this.oids)));
        }
    }

    /** Set once by the connect path with the answer's epoch: type DDL is watched, and the names looked up again after it. */
    void watch(List<String> names, TypeOidEpoch epoch, long knownEpoch) {
        SessionTypeOids watched = new SessionTypeOids(names, epoch, knownEpoch, session.serverReports().reported("search_path"),
                answered ? oids : null, this::bind);
        assert watched.belongsTo(session::mayTouchState);
        session.serverReports().typeOids(watched);
    }

    /** The OID {@code typeName} is bound to, if it was looked up and found. */
    OptionalInt oid(String typeName) {
        Integer oid = oids.get(typeName);
        return oid == null ? OptionalInt.empty() : OptionalInt.of(oid);
    }
}
