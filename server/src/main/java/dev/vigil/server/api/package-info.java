/** The REST/JSON API of {@code vigil serve} under {@code /api/v1}, with its OpenAPI document. */
package dev.vigil.server.api;
