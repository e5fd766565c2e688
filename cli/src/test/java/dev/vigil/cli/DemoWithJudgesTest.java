package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.ScriptedHttpServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil demo} in its own JVM with a judge model configured from the environment, as a user sets it: the
 * Safety, Guidelines and formality judges run against an OpenAI-compatible server on loopback.
 */
class DemoWithJudgesTest {

    @Test
    void demo_withJudgeModelAndKey_runsTheSeedsJudges(@TempDir Path tmp) throws Exception {
        try (ScriptedHttpServer server = ScriptedHttpServer.start()) {
            server.recordRequests(false).fallback(new OpenAiWire().answer(
                    "{\"result\": \"yes\", \"rationale\": \"The response answers the question politely.\"}"));
            String java = ProcessHandle.current().info().command().orElseThrow();
            ProcessBuilder pb = new ProcessBuilder(java, "-p", System.getProperty("jdk.module.path"),
                    "-m", "dev.vigil.cli/dev.vigil.cli.VigilCommand", "demo", "--store", "memory:", "--duration", "3s",
                    "--rate", "10", "--no-python", "--out", tmp.resolve("r.html").toString())
                    .redirectErrorStream(true);
            pb.environment().put("VIGIL_JUDGE_MODEL", "openai:/gpt-4o-mini");
            pb.environment().put("OPENAI_API_KEY", "sk-test-loopback");
            pb.environment().put("OPENAI_BASE_URL", server.baseUri() + "/v1");
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    p.getInputStream().transferTo(out);
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            });
            boolean done = p.waitFor(10, TimeUnit.MINUTES);
            if (!done) {
                p.destroyForcibly();
            }
            reader.join(10_000);
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(done).as(text).isTrue();
            assertThat(p.exitValue()).as(text).isZero();
            assertThat(text).contains("LLM judges on openai:/gpt-4o-mini: safety, english (Guidelines), "
                    + "my_formality_judge (custom prompt).");
            assertThat(text).contains("Started 8 scorers: is_english, no_secrets, fast_enough, grounding, "
                    + "tools_succeeded, safety, english, my_formality_judge.");
            for (String judge : List.of("safety", "english")) {
                assertThat(text).containsPattern("(?m)^" + judge + " +judge +50% +\\d+ +[1-9]\\d* +[1-9]\\d* +\\d+ +pass 100\\.0% ");
            }
            assertThat(server.requestCount()).isPositive();
        }
    }
}
