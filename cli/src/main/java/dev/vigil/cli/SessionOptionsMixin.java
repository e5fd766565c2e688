package dev.vigil.cli;

import dev.vigil.core.Vigil;
import dev.vigil.spi.InvalidInputException;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --session-idle} and {@code --session-every} of the commands that run a monitoring engine ({@code monitor},
 * {@code serve}): how the session scorers' loop runs beside it.
 */
final class SessionOptionsMixin {

    @Option(names = "--session-idle", paramLabel = "TIME", defaultValue = "5m",
            description = "How long a session must have had no new trace before the session (multi-turn) scorers "
                    + "score it; a session that resumes is scored again once idle (default ${DEFAULT-VALUE}, "
                    + "MLflow's).")
    String sessionIdle;

    @Option(names = "--session-every", paramLabel = "TIME", defaultValue = "1m",
            description = "How often idle sessions are looked for, 1s or more (default ${DEFAULT-VALUE}).")
    String sessionEvery;

    /**
     * @param builder the engine's builder
     * @return the builder with the session loop's options set
     * @throws UserError naming the option that is wrong
     */
    Vigil.Builder apply(Vigil.Builder builder) {
        Duration idle = MonitorCommand.length(sessionIdle, "--session-idle");
        Duration every = MonitorCommand.length(sessionEvery, "--session-every");
        try {
            builder.sessionIdle(idle);
        } catch (InvalidInputException e) {
            throw new UserError("--session-idle: " + e.getMessage(), e);
        }
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new UserError("--session-every must be 1s or more, got " + sessionEvery);
        }
        return builder.sessionPassInterval(every);
    }
}
