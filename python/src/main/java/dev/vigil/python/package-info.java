/**
 * User Python scorers (MLflow's {@code @scorer} functions) run in a GraalPy sandbox:
 * {@link dev.vigil.python.PythonScorer}, the {@link dev.vigil.python.PythonSandbox} that runs them in-process or in
 * child JVMs ({@link dev.vigil.python.Isolation}), and the {@code python} scorer codec.
 */
package dev.vigil.python;
