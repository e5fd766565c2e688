package dev.vigil.core.scorer;

import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.List;

/**
 * The smallest shape of a Java scorer that can be stored and rebuilt: a public class with a public no-arg
 * constructor, named in a {@code java} scorer definition ({@code {"class": "com.example.MyScorer"}}) and
 * rebuilt by {@link JavaScorerCodec} under the name it was registered with. A class may instead implement the
 * full {@link dev.vigil.spi.scorer.Scorer}; its own {@code name()} is then replaced by the registered name.
 *
 * <p>The class's package must be readable by {@code dev.vigil.core}: on the module path, export it (or open it)
 * to {@code dev.vigil.core}.
 */
@FunctionalInterface
public interface CodeScorer {

    /**
     * @param input inputs, outputs, expectations and the trace
     * @return bool, number, string, {@link dev.vigil.spi.scorer.Feedback}, list of Feedback, or null
     * @throws Exception any failure, recorded as an error feedback
     */
    Object score(ScorerInput input) throws Exception;

    /** @return how values are summarised; {@code mean} by default */
    default List<Aggregation> aggregations() {
        return List.of(Aggregation.MEAN);
    }
}
