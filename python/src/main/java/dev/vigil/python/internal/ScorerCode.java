package dev.vigil.python.internal;

/**
 * A scorer's code as the runtimes load it into their contexts.
 *
 * @param id unique per loaded scorer in this JVM (contexts cache the loaded function by it)
 * @param name the scorer's name, for messages and tracebacks
 * @param source the Python source
 * @param entry the entry point's name in the source's namespace
 */
public record ScorerCode(long id, String name, String source, String entry) {}
