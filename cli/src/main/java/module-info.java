/** The {@code vigil} command. */
module dev.vigil.cli {
    requires dev.vigil.core;
    requires info.picocli;

    exports dev.vigil.cli;
    opens dev.vigil.cli to info.picocli;
}
