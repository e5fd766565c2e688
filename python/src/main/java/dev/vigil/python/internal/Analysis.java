package dev.vigil.python.internal;

import java.util.List;

/**
 * What loading a scorer's source found.
 *
 * @param entryPoint the name of the scorer function in the source's namespace
 * @param decoratedName the {@code name=} given to {@code @scorer}, or the function name; null when undecorated
 * @param aggregations the {@code aggregations=} given to {@code @scorer}, or null
 * @param parameters the parameters MLflow passes that the function takes, in order
 */
public record Analysis(String entryPoint, String decoratedName, List<String> aggregations, List<String> parameters) {}
