package dev.vigil.spi.judge;

/** A chat model that judges: one prompt in, one structured answer out. Thread-safe. */
public interface JudgeModel {

    /** @return the model URI this model was made from */
    String modelUri();

    /**
     * @param request the rendered prompt and the answer format wanted
     * @return the model's answer
     * @throws JudgeException when the call fails, saying whether a retry may help
     */
    JudgeResponse complete(JudgeRequest request);
}
