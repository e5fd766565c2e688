/** A judge provider for Mistral's OpenAI-compatible chat API: {@code mistral:/<model>}. */
module dev.vigil.examples.mistral {
    requires dev.vigil.judges; // brings the SPI, Jackson and java.net.http with it

    provides dev.vigil.spi.judge.JudgeProvider with dev.vigil.examples.mistral.MistralProvider;
}
