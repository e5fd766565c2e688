package dev.vigil.python.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine's own messages (warnings) go to the log, one line at a time. */
final class EngineLog extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessRuntime.class);

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            flushLine();
        } else {
            line.write(b);
        }
    }

    private void flushLine() {
        if (line.size() > 0) {
            LOG.warn("GraalPy: {}", line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
    }
}
