/** The engine's public API. */
package dev.vigil.core;
