package dev.vigil.python.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared parts of the {@link InProcessRuntime}'s contexts: one GraalPy {@link Engine} under
 * {@link SandboxPolicy#CONSTRAINED}, the sandbox harness ({@code vigil_sandbox.py}) every context evaluates first,
 * and whether the engine is the optimizing Truffle runtime (with a one-time warning when that is not what the
 * settings asked for).
 *
 * @param engine the engine the contexts share
 * @param harness the harness source
 * @param optimizing true if the optimizing Truffle runtime compiles the scorers
 */
record GuestEngine(Engine engine, Source harness, boolean optimizing) {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessRuntime.class);
    private static final AtomicBoolean WARNED_INTERPRETED = new AtomicBoolean();
    private static final AtomicBoolean WARNED_SWITCH_IGNORED = new AtomicBoolean();

    /** Builds the engine and reads the harness. */
    static GuestEngine open(SandboxSettings settings) {
        Engine.Builder b = Engine.newBuilder("python")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream())
                .err(new EngineLog())
                .option("engine.WarnInterpreterOnly", "false");
        // The runtime is the JVM's: with JVMCI it is the optimizing one, and a CONSTRAINED engine cannot turn its
        // compilation off (engine.Compilation is refused up to TRUSTED), so optimizingRuntime(false) cannot pick the
        // interpreter here; optimizing() reports what the engine is and a warning says why the switch had no effect.
        Engine engine = b.build();
        boolean optimizing = !"Interpreted".equals(engine.getImplementationName());
        if (!settings.optimizingRuntime() && optimizing && WARNED_SWITCH_IGNORED.compareAndSet(false, true)) {
            LOG.warn("optimizingRuntime(false) / -Dvigil.python.optimizing=false has no effect: this JVM has "
                    + "the optimizing Truffle runtime (JVMCI) and a CONSTRAINED sandbox cannot switch its compilation "
                    + "off. To run Python scorers on the interpreter, start the JVM without -XX:+EnableJVMCI and "
                    + "--upgrade-module-path.");
        }
        if (settings.optimizingRuntime() && !optimizing && WARNED_INTERPRETED.compareAndSet(false, true)) {
            LOG.warn("Python scorers run on the GraalPy interpreter: this JVM lacks the optimizing Truffle runtime "
                    + "(add -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=<the GraalVM "
                    + "compiler jars>; see the README, 'Python scorers'). CPU-heavy scorers run about 10x slower.");
        }
        return new GuestEngine(engine, readHarness(), optimizing);
    }

    private static Source readHarness() {
        try (InputStream in = InProcessRuntime.class.getResourceAsStream("vigil_sandbox.py")) {
            if (in == null) {
                throw new IllegalStateException("vigil_sandbox.py is missing from the vigil-python jar");
            }
            return Source.newBuilder("python", new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "vigil_sandbox.py").build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
