/**
 * Aggregations of scorer feedback per minute, hour or day, with 95 % confidence intervals of the population mean
 * and pass rate given the sample rate.
 */
package dev.vigil.core.aggregate;
