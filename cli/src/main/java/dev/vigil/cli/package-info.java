/** The {@code vigil} command line ({@link dev.vigil.cli.VigilCommand}): run {@code ./vigil --help}. */
package dev.vigil.cli;
