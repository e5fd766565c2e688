/** Vigil: user Python scorers in a GraalPy sandbox. */
module dev.vigil.python {
    requires transitive dev.vigil.spi;
    requires dev.vigil.core;
    requires org.graalvm.polyglot;
    requires org.slf4j;
    requires java.management;
    requires jdk.management;

    exports dev.vigil.python;

    uses dev.vigil.spi.scorer.ScorerCodec;

    provides dev.vigil.spi.scorer.ScorerCodec with dev.vigil.python.PythonScorerCodec;
}
