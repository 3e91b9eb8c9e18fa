package io.pgconn.internal.protocol;

import io.pgconn.ServerErrorFields;
import io.pgconn.internal.protocol.backend.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.pgconn.internal.protocol.Wire.msg;

/** One well-formed wire sample per backend message (and variant), with the record it decodes to. */
final class SampleMessages {

    record Sample(String name, byte[] wire, BackendMessage expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private SampleMessages() {
    }

    static List<Sample> all() {
        byte[] key32 = new byte[32];
        Arrays.fill(key32, (byte) 0x5A);
        Map<Character, String> error = new LinkedHashMap<>();
        error.put('S', "FATAL");
        error.put('V', "FATAL");
        error.put('C', "28P01");
        error.put('M', "password authentication failed for user \"bob\"");
        byte[] scram = "r=abc,s=c2FsdA==,i=4096".getBytes(StandardCharsets.US_ASCII);
        return List.of(
                s("AuthenticationOk", msg('R').int32(0), AuthenticationOk.INSTANCE),
                s("AuthenticationCleartextPassword", msg('R').int32(3), AuthenticationCleartextPassword.INSTANCE),
                s("AuthenticationMD5Password", msg('R').int32(5).bytes(Wire.bytes(1, 2, 3, 4)),
                        new AuthenticationMd5Password(Wire.bytes(1, 2, 3, 4))),
                s("AuthenticationSASL", msg('R').int32(10).cstr("SCRAM-SHA-256-PLUS").cstr("SCRAM-SHA-256").int8(0),
                        new AuthenticationSasl(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"))),
                s("AuthenticationSASLContinue", msg('R').int32(11).bytes(scram), new AuthenticationSaslContinue(scram)),
                s("AuthenticationSASLFinal", msg('R').int32(12).text("v=sig"),
                        new AuthenticationSaslFinal("v=sig".getBytes(StandardCharsets.US_ASCII))),
                s("AuthenticationGSS", msg('R').int32(7), new AuthenticationUnsupported(7)),
                s("AuthenticationGSSContinue", msg('R').int32(8).bytes(Wire.bytes(9, 9, 9)),
                        new AuthenticationUnsupported(8)),
                s("BackendKeyData 4", msg('K').int32(4242).bytes(Wire.bytes(1, 2, 3, 4)),
                        new BackendKeyData(4242, Wire.bytes(1, 2, 3, 4))),
                s("BackendKeyData 32", msg('K').int32(7).bytes(key32), new BackendKeyData(7, key32)),
                s("ParameterStatus", msg('S').cstr("server_version").cstr("18.0"),
                        new ParameterStatus("server_version", "18.0")),
                s("ParameterStatus UTF-8", msg('S').cstr("application_name").cstr("pgconn-ü名"),
                        new ParameterStatus("application_name", "pgconn-ü名")),
                s("ReadyForQuery I", msg('Z').int8('I'), new ReadyForQuery('I')),
                s("ReadyForQuery T", msg('Z').int8('T'), new ReadyForQuery('T')),
                s("ReadyForQuery E", msg('Z').int8('E'), new ReadyForQuery('E')),
                s("ErrorResponse", fields(msg('E'), error), new ErrorResponse(new ServerErrorFields(error))),
                s("NoticeResponse", msg('N').int8('S').cstr("NOTICE").int8('M').cstr("hi").int8(0),
                        new NoticeResponse(new ServerErrorFields(Map.of('S', "NOTICE", 'M', "hi")))),
                s("NegotiateProtocolVersion", msg('v').int32(0).int32(1).cstr("_pq_.foo"),
                        new NegotiateProtocolVersion(0, List.of("_pq_.foo"))),
                s("NegotiateProtocolVersion no options", msg('v').int32(2).int32(0),
                        new NegotiateProtocolVersion(2, List.of())),
                s("NotificationResponse", msg('A').int32(42).cstr("jobs").cstr("{\"id\":1}"),
                        new NotificationResponse(42, "jobs", "{\"id\":1}")),
                s("RowDescription", msg('T').int16(2)
                                .cstr("oid").int32(0).int16(0).int32(26).int16(4).int32(-1).int16(0)
                                .cstr("name").int32(1259).int16(2).int32(19).int16(64).int32(-1).int16(1),
                        new RowDescription(List.of(
                                new RowDescription.Column("oid", 0, (short) 0, 26, (short) 4, -1, (short) 0),
                                new RowDescription.Column("name", 1259, (short) 2, 19, (short) 64, -1, (short) 1)))),
                s("DataRow", msg('D').int16(4).int32(1).text("1").int32(-1).int32(2).text("ü").int32(0),
                        new DataRow(Arrays.asList("1", null, "ü", ""))),
                s("CommandComplete", msg('C').cstr("SELECT 1"), new CommandComplete("SELECT 1")),
                s("CommandComplete with a tag decoded afresh", msg('C').cstr("INSERT 0 25"), new CommandComplete("INSERT 0 25")),
                s("CommandComplete with a shared tag", msg('C').cstr("INSERT 0 1"), new CommandComplete("INSERT 0 1")),
                s("EmptyQueryResponse", msg('I'), EmptyQueryResponse.INSTANCE),
                s("CopyInResponse", msg('G').int8(0).int16(2).int16(0).int16(0), new CopyResponse('G')),
                s("CopyOutResponse, binary", msg('H').int8(1).int16(0), new CopyResponse('H', true)),
                s("CopyBothResponse", msg('W').int8(0).int16(1).int16(0), new CopyResponse('W')),
                s("ParseComplete", msg('1'), ParseComplete.INSTANCE),
                s("BindComplete", msg('2'), BindComplete.INSTANCE),
                s("CloseComplete", msg('3'), CloseComplete.INSTANCE),
                s("NoData", msg('n'), NoData.INSTANCE),
                s("PortalSuspended", msg('s'), PortalSuspended.INSTANCE),
                s("ParameterDescription", msg('t').int16(2).int32(23).int32(25),
                        new ParameterDescription(new int[] {23, 25})));
    }

    private static Sample s(String name, Wire wire, BackendMessage expected) {
        return new Sample(name, wire.build(), expected);
    }

    private static Wire fields(Wire wire, Map<Character, String> fields) {
        fields.forEach((k, v) -> wire.int8(k).cstr(v));
        return wire.int8(0);
    }
}
