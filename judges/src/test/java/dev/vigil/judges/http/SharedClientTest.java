package dev.vigil.judges.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.ScriptedHttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared client handles answers on its selector thread: concurrent calls on many connections, one of them
 * waiting for a slow answer, all get their own answer.
 */
class SharedClientTest {
    @Test
    void concurrentCalls_eachGetTheirOwnAnswer_withOneAnswerSlow() throws Exception {
        try (ScriptedHttpServer server = ScriptedHttpServer.start().recordRequests(false)) {
            OpenAiWire wire = new OpenAiWire();
            server.enqueue(wire.answer("slow").delayedBy(Duration.ofMillis(1000)));
            server.fallback(wire.answer("fast"));
            ChatCompletionsModel model = new ChatCompletionsModel("openai:/m", ProviderSettings.client(),
                    Duration.ofSeconds(30), URI.create(server.baseUri() + "/v1/chat/completions"), "m", "sk-test");
            JudgeRequest request = new JudgeRequest("s", "u", null, Map.of());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                Future<String> slow = pool.submit(() -> model.complete(request).text());
                while (server.requestCount() < 1) {
                    Thread.onSpinWait();
                }
                List<Future<String>> fast = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    fast.add(pool.submit(() -> model.complete(request).text()));
                }
                for (Future<String> f : fast) {
                    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("fast");
                }
                assertThat(slow.get(30, TimeUnit.SECONDS)).isEqualTo("slow");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
