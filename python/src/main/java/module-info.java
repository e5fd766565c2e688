/** Vigil: user Python scorers in a GraalPy sandbox. */
module dev.vigil.python {
    requires transitive dev.vigil.spi;
    requires dev.vigil.core;
}
