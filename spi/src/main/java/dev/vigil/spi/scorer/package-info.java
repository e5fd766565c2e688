/**
 * The scorer SPI: {@link dev.vigil.spi.scorer.Scorer} and what it is given and returns, scorer definitions as
 * data with their {@link dev.vigil.spi.scorer.ScorerCodec codecs}, sampling configuration and stored versions.
 */
package dev.vigil.spi.scorer;
