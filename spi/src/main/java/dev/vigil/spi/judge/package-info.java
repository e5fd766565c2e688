/** The judge SPI: model providers keyed by model-URI scheme, and the request/response they exchange. */
package dev.vigil.spi.judge;
