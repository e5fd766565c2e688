package dev.vigil.storage.fs;

import dev.vigil.spi.StoreException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Payloads of the records the store writes. Every payload starts with a type byte.
 *
 * <pre>
 * TRACE       type=1, batch id (8), batch size (4), sequence (8), request time seconds (8) + nanos (4),
 *             trace id, experiment id, MLflow trace JSON (without assessments)
 * ASSESSMENTS type=2, count (4), then per assessment: create time (8+4), update time (8+4), MLflow JSON
 * BASE        type=3, first record of a compacted assessment segment: everything before it is superseded
 * </pre>
 *
 * Strings are a 4-byte length and UTF-8 bytes. The trace JSON is MLflow's own form, so a segment can be read
 * by hand; exact instants are kept beside it because MLflow's JSON keeps milliseconds only.
 */
final class TraceRecords {
    static final byte TRACE = 1;
    static final byte ASSESSMENTS = 2;
    static final byte BASE = 3;

    private TraceRecords() {}

    /** What the index keeps of a trace record, read without parsing its JSON. */
    record Header(long batchId, int batchSize, long sequence, Instant requestTime, String traceId,
            String experimentId) {}

    /** The JSON part of a trace record: computed outside the store's lock. */
    static byte[] traceJson(Trace t) {
        try {
            return Json.mapper().writeValueAsBytes(MlflowJson.toTree(t));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a JSON tree always serialises", e);
        }
    }

    static byte[] trace(long batchId, int batchSize, long sequence, Trace t, byte[] json) {
        byte[] id = t.traceId().getBytes(StandardCharsets.UTF_8);
        byte[] exp = t.experimentId().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 4 + 8 + 8 + 4 + 4 + id.length + 4 + exp.length + 4 + json.length);
        out.put(TRACE).putLong(batchId).putInt(batchSize).putLong(sequence)
                .putLong(t.info().requestTime().getEpochSecond()).putInt(t.info().requestTime().getNano())
                .putInt(id.length).put(id).putInt(exp.length).put(exp).putInt(json.length).put(json);
        return out.array();
    }

    static Header traceHeader(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        if (in.get() != TRACE) {
            throw new IllegalArgumentException("not a trace record");
        }
        long batchId = in.getLong();
        int batchSize = in.getInt();
        long seq = in.getLong();
        Instant time = Instant.ofEpochSecond(in.getLong(), in.getInt());
        String traceId = readString(in);
        String experimentId = readString(in);
        return new Header(batchId, batchSize, seq, time, traceId, experimentId);
    }

    static Trace traceBody(byte[] payload, String where) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        in.get();
        in.position(1 + 8 + 4 + 8);
        Instant time = Instant.ofEpochSecond(in.getLong(), in.getInt());
        readString(in);
        readString(in);
        int len = in.getInt();
        try {
            Trace t = MlflowJson.readTrace(new String(payload, in.position(), len, StandardCharsets.UTF_8));
            return new Trace(t.info().toBuilder().requestTime(time).build(), t.spans());
        } catch (RuntimeException e) {
            throw new StoreException("cannot decode the trace record " + where + ": " + e.getMessage(), e);
        }
    }

    static byte[] assessments(List<Assessment> list) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * list.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(ASSESSMENTS);
            out.writeInt(list.size());
            for (Assessment a : list) {
                out.writeLong(a.createTime().getEpochSecond());
                out.writeInt(a.createTime().getNano());
                out.writeLong(a.lastUpdateTime().getEpochSecond());
                out.writeInt(a.lastUpdateTime().getNano());
                writeString(out, MlflowJson.writeAssessment(a));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<Assessment> readAssessments(byte[] payload) {
        return readAssessments(payload, null);
    }

    /**
     * @param skipped where an assessment that cannot be decoded is logged and counted before it is skipped; null
     *     to fail on it
     */
    static List<Assessment> readAssessments(byte[] payload, dev.vigil.spi.store.SkippedRows skipped) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        if (in.get() != ASSESSMENTS) {
            throw new IllegalArgumentException("not an assessment record");
        }
        int n = in.getInt();
        List<Assessment> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Instant created = Instant.ofEpochSecond(in.getLong(), in.getInt());
            Instant updated = Instant.ofEpochSecond(in.getLong(), in.getInt());
            String body = readString(in);
            Assessment a;
            try {
                if (skipped != null && body.length() > dev.vigil.spi.store.WriteLimits.DEFAULTS.maxAssessmentRowChars()) {
                    throw new IllegalArgumentException("the record is " + body.length() + " characters, over the "
                            + dev.vigil.spi.store.WriteLimits.DEFAULTS.maxAssessmentRowChars()
                            + " an assessment can take");
                }
                a = MlflowJson.readAssessment(body);
            } catch (RuntimeException e) {
                if (skipped == null) {
                    throw e;
                }
                skipped.skip("assessment", "#" + i + " of a record created " + created, e.getMessage());
                continue;
            }
            out.add(a.toBuilder().createTime(created).lastUpdateTime(updated).build());
        }
        return out;
    }

    static byte[] base() {
        return new byte[] {BASE};
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(ByteBuffer in) {
        int len = in.getInt();
        String s = new String(in.array(), in.position(), len, StandardCharsets.UTF_8);
        in.position(in.position() + len);
        return s;
    }
}
