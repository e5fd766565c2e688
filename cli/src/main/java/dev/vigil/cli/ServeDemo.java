package dev.vigil.cli;

import dev.vigil.cli.demo.DemoApp;
import dev.vigil.cli.demo.DemoScorers;
import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vigil serve --demo N}: the demo's simulated RAG chatbot and tool agent log N traces a second into the
 * served store (experiment {@code vigil-demo}), scored live by the demo's Java scorers, so that the dashboard has
 * something to show without an instrumented application.
 */
final class ServeDemo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServeDemo.class);

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread producer;

    ServeDemo(Vigil vigil, int perSecond) {
        if (perSecond < 1 || perSecond > 2000) {
            throw new UserError("--demo must be 1..2000 traces per second, got " + perSecond);
        }
        ExperimentHandle exp = vigil.experiment(DemoCommand.DEMO_EXPERIMENT);
        start(exp, "is_english", DemoScorers.IsEnglish.class, SamplingConfig.of(1.0));
        start(exp, "no_secrets", DemoScorers.NoSecrets.class, SamplingConfig.of(1.0));
        start(exp, "fast_enough", DemoScorers.FastEnough.class, SamplingConfig.of(0.5));
        start(exp, "grounding", DemoScorers.Grounding.class, SamplingConfig.of(0.7, "tags.app = 'rag'"));
        start(exp, "tools_succeeded", DemoScorers.ToolsSucceeded.class, SamplingConfig.of(1.0, "tags.app = 'agent'"));
        DemoApp app = new DemoApp(System.nanoTime(), exp.id());
        Clock clock = Clock.systemUTC();
        producer = Thread.ofPlatform().name("vigil-serve-demo").daemon().start(() -> {
            long tick = 100_000_000L;
            double owed = 0;
            while (running.get()) {
                owed += perSecond / 10.0;
                List<Trace> batch = new ArrayList<>();
                for (; owed >= 1; owed--) {
                    batch.add(app.next(clock.instant()));
                }
                try {
                    if (!batch.isEmpty()) {
                        exp.log(batch);
                    }
                    Thread.sleep(tick / 1_000_000);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("demo traces not logged (will go on): {}", e.toString());
                }
            }
        });
    }

    private static void start(ExperimentHandle exp, String name, Class<?> type, SamplingConfig sampling) {
        var r = exp.scorers().registerOrGet(Scorers.ofClass(name, type), name);
        if (!r.isActive()) {
            r.start(sampling);
        }
    }

    @Override
    public void close() {
        running.set(false);
        producer.interrupt();
        try {
            producer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
