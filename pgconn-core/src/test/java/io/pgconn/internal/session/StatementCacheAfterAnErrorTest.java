package io.pgconn.internal.session;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgconn.internal.protocol.backend.BindComplete;
import io.pgconn.internal.protocol.backend.CommandComplete;
import io.pgconn.internal.protocol.backend.NoData;
import io.pgconn.internal.protocol.backend.ParseComplete;
import io.pgconn.internal.protocol.backend.ReadyForQuery;
import io.pgconn.internal.query.DefaultPgStatement;
import io.pgconn.internal.query.TextValueCodecs;
import io.pgconn.internal.query.ValueCodecs;
import io.pgconn.query.RowMetadata;
import io.pgconn.query.RowSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * REVIEW-12 L2: a statement whose messages cannot be built puts back what it took from the statement cache — the
 * Closes of evicted statements go with the next exchange — for an Error too, after which the session goes on
 * (ExchangeFifo.write). A RuntimeException always did.
 */
class StatementCacheAfterAnErrorTest {

    private final EmbeddedSession embedded = new EmbeddedSession(1);
    private final PipelinedSession session = embedded.session;
    private final EmbeddedChannel channel = embedded.channel;

    /** Text codecs whose row decoders need a class that would not load (a codec's library missing). */
    private static final class CodecsMissingALibrary implements ValueCodecs {
        @Override
        public Encoded encode(Object value, int typeOid) {
            return TextValueCodecs.INSTANCE.encode(value, typeOid);
        }

        @Override
        public int typeOidOf(Class<?> type) {
            return TextValueCodecs.INSTANCE.typeOidOf(type);
        }

        @Override
        public short resultFormat(int typeOid) {
            return TextValueCodecs.INSTANCE.resultFormat(typeOid);
        }

        @Override
        public RowDecoder rowDecoder(RowMetadata metadata, String host) {
            throw new NoClassDefFoundError("com/example/MissingLibrary");
        }
    }

    @AfterEach
    void releaseWhatIsLeft() {
        embedded.close();
    }

    @Test
    void anErrorBuildingAStatementsMessagesKeepsTheClosesOfEvictedStatementsForTheNextOne() {
        run("SET a = 1"); // pgconn_1
        run("SET b = 2"); // pgconn_2 evicts pgconn_1: its Close goes with the next exchange

        session.codecs(new CodecsMissingALibrary()); // the cached statement's row shape is built anew, and fails
        CompletableFuture<RowSet> broken = DefaultPgStatement.query(session, "SET b = 2");
        channel.runPendingTasks();
        assertThat(broken).isCompletedExceptionally();
        assertThat(written()).as("nothing of the broken statement").isEmpty();

        session.codecs(TextValueCodecs.INSTANCE);
        DefaultPgStatement.query(session, "SET c = 3");
        assertThat(written()).as("the evicted statement's Close, kept for the next exchange")
                .containsExactly("Close pgconn_1", "Parse pgconn_3", "D", "H");
    }

    /** Runs {@code sql} to its end, parsed and described first as a new statement. */
    private void run(String sql) {
        CompletableFuture<RowSet> result = DefaultPgStatement.query(session, sql);
        assertThat(written()).containsExactly("Parse pgconn_" + (session.statementCache().mark()), "D", "H");
        channel.writeInbound(ParseComplete.INSTANCE, NoData.INSTANCE);
        assertThat(written()).containsExactly("B", "E", "S");
        channel.writeInbound(BindComplete.INSTANCE, new CommandComplete("SET"), new ReadyForQuery('I'));
        assertThat(result.join().commandTag()).isEqualTo("SET");
    }

    private List<String> written() {
        return embedded.written();
    }
}
