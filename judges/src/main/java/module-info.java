/** Vigil: LLM judge providers and the built-in judges. */
module dev.vigil.judges {
    requires transitive dev.vigil.spi;
    requires dev.vigil.core;
}
