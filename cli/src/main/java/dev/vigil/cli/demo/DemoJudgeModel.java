package dev.vigil.cli.demo;

import dev.vigil.spi.judge.JudgeConfig;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeProvider;
import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.spi.judge.JudgeResponse;
import dev.vigil.spi.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's stand-in judge model, used when no real one is configured ({@code VIGIL_JUDGE_MODEL}): scheme
 * {@code demo}, it answers the user-frustration judge's question with keyword rules over the user's turns (no LLM):
 * {@code unresolved} when the last user turn sounds frustrated, {@code resolved} when an earlier one did and the last
 * thanks, else {@code none}. It lets the demo run the whole session-judge path (prompt, answer parsing, stored
 * assessment) offline; the answers are only as good as the keyword list.
 */
public final class DemoJudgeModel implements JudgeProvider, JudgeModel {
    /** The model URI the demo uses. */
    public static final String URI = "demo:/keyword-frustration";

    private static final List<String> FRUSTRATED = List.of("useless", "ridiculous", "did not answer",
            "forget it", "already waited", "already did", "annoying");
    private static final List<String> SATISFIED = List.of("thank", "worked", "great", "clear");

    @Override
    public String scheme() {
        return "demo";
    }

    @Override
    public JudgeModel create(String modelUri, JudgeConfig config) {
        return this;
    }

    @Override
    public String modelUri() {
        return URI;
    }

    @Override
    public JudgeResponse complete(JudgeRequest request) {
        List<String> users = new ArrayList<>();
        for (String line : request.userPrompt().split("\n")) {
            if (line.startsWith("user: ")) {
                users.add(line.substring(6).toLowerCase(Locale.ROOT));
            }
        }
        int firstFrustrated = -1;
        for (int i = 0; i < users.size(); i++) {
            if (firstFrustrated < 0 && FRUSTRATED.stream().anyMatch(users.get(i)::contains)) {
                firstFrustrated = i;
            }
        }
        String last = users.isEmpty() ? "" : users.get(users.size() - 1);
        String result;
        String rationale;
        if (firstFrustrated < 0) {
            result = "none";
            rationale = "No user turn sounds frustrated.";
        } else if (FRUSTRATED.stream().noneMatch(last::contains) && SATISFIED.stream().anyMatch(last::contains)) {
            result = "resolved";
            rationale = "The user is frustrated in turn " + (firstFrustrated + 1) + " and satisfied in the last turn.";
        } else {
            result = "unresolved";
            rationale = "The user is frustrated from turn " + (firstFrustrated + 1) + " and leaves without satisfaction.";
        }
        String text = Json.write(Map.of("rationale", rationale, "result", result));
        return new JudgeResponse(text, "stop", request.userPrompt().length() / 4, text.length() / 4, Duration.ZERO);
    }
}
