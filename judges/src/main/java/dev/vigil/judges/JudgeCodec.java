package dev.vigil.judges;

import dev.vigil.judges.internal.BuiltInSpecs;
import dev.vigil.judges.internal.ConversationSpecs;
import dev.vigil.judges.internal.CustomPromptSpec;
import dev.vigil.judges.internal.JudgeSpec;
import dev.vigil.judges.internal.TemplateSpec;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds {@link LlmJudge}s of kind {@value LlmJudge#KIND} from their stored definition: {@code judge} (the
 * judge kind), {@code model} (the model URI), and per kind {@code guidelines}, {@code prompt_template} and
 * {@code numeric_values}, or {@code instructions}, {@code value_type} and {@code labels}; optional
 * {@code parameters}. The rebuilt judge equals the stored one.
 */
public final class JudgeCodec implements ScorerCodec {
    private final JudgeRuntime runtime;

    /** The codec {@link java.util.ServiceLoader} makes: judges call through {@link JudgeRuntime#shared()}. */
    public JudgeCodec() {
        this.runtime = null;
    }

    /** @param runtime the runtime the rebuilt judges call through */
    public JudgeCodec(JudgeRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String kind() {
        return LlmJudge.KIND;
    }

    @Override
    public Scorer decode(String name, ScorerDefinition definition) {
        if (!LlmJudge.KIND.equals(definition.kind())) {
            throw new InvalidInputException("the judge codec reads definitions of kind judge, got " + definition.kind());
        }
        Map<String, Object> c = definition.config();
        String kind = definition.string("judge");
        if (kind == null) {
            throw new InvalidInputException("judge definition of '" + name + "' has no \"judge\" (the judge kind: "
                    + String.join(", ", BuiltInSpecs.KINDS) + ", " + String.join(", ", ConversationSpecs.KINDS)
                    + ", custom_prompt, template)");
        }
        JudgeSpec spec = switch (kind) {
            case "custom_prompt" -> new CustomPromptSpec(definition.string("prompt_template"), numbers(c.get("numeric_values")));
            case "template" -> new TemplateSpec(definition.string("instructions"), definition.string("value_type"),
                    strings(c.get("labels")));
            default -> ConversationSpecs.isKind(kind) ? ConversationSpecs.of(kind, c) : BuiltInSpecs.of(kind, c);
        };
        LlmJudge.Builder b = LlmJudge.builder(spec).name(name).model(definition.string("model"));
        if (runtime != null) {
            b.runtime(runtime);
        }
        if (c.get("parameters") instanceof Map<?, ?> p) {
            p.forEach((k, v) -> b.parameter(String.valueOf(k), v));
        }
        if (c.get("aggregations") != null) {
            if (!(c.get("aggregations") instanceof List<?>)) {
                throw new InvalidInputException("judge definition of '" + name + "': \"aggregations\" must be a list"
                        + " of names, got " + Json.write(c.get("aggregations")));
            }
            b.aggregations(strings(c.get("aggregations")));
        }
        return b.build();
    }

    /**
     * Tells the level from the stored judge kind without building the judge: the conversation judges are session
     * level; a {@code template} judge is when its instructions use {@code {{ conversation }}}.
     */
    @Override
    public boolean sessionLevel(ScorerDefinition definition) {
        String kind = definition.string("judge");
        if (kind != null && ConversationSpecs.isKind(kind)) {
            return true;
        }
        if ("template".equals(kind)) {
            return new TemplateSpec(definition.string("instructions"), definition.string("value_type"),
                    strings(definition.config().get("labels"))).sessionLevel();
        }
        return false;
    }

    private static Map<String, Number> numbers(Object raw) {
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof Map<?, ?> m)) {
            throw new InvalidInputException("numeric_values must be an object of choice → number, got " + Json.write(raw));
        }
        Map<String, Number> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (!(v instanceof Number n)) {
                throw new InvalidInputException("numeric_values[" + k + "] must be a number, got " + Json.write(v));
            }
            out.put(String.valueOf(k), n);
        });
        return out;
    }

    private static List<String> strings(Object raw) {
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof List<?> l)) {
            throw new InvalidInputException("labels must be a list of strings, got " + Json.write(raw));
        }
        List<String> out = new ArrayList<>();
        l.forEach(o -> out.add(String.valueOf(o)));
        return out;
    }
}
