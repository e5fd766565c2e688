package dev.vigil.server.api;

/** A request the API refuses: an HTTP status, a stable error code and a message for people. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "INVALID_PARAMETER_VALUE", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "RESOURCE_DOES_NOT_EXIST", message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
