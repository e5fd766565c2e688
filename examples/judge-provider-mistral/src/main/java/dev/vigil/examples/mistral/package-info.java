/** The example judge provider: {@link dev.vigil.examples.mistral.MistralProvider}. */
package dev.vigil.examples.mistral;
