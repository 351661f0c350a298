package io.github.expandcontract.actuate;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The actions of the {@code expandcontract} endpoint over HTTP, with their status codes: 200 with
 * the migration once done (202 for a verification still running when the wait ended), 404 for an
 * unknown migration, 400 for an unknown or missing action (listing the valid ones), 409 when the
 * state does not allow the action. Only 200 and 202 change anything.
 */
@EndpointWebExtension(endpoint = ExpandContractEndpoint.class)
public class ExpandContractEndpointWebExtension {

    static final int STATUS_ACCEPTED = 202;
    static final int STATUS_CONFLICT = 409;

    private final ExpandContractEndpoint endpoint;

    public ExpandContractEndpointWebExtension(ExpandContractEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @WriteOperation
    public WebEndpointResponse<Object> operate(@Selector String migration, @Nullable String action) {
        ExpandContractEndpoint.Outcome outcome = endpoint.perform(migration, action);
        if (outcome instanceof ExpandContractEndpoint.Outcome.Done done) {
            return new WebEndpointResponse<>(done.report(), done.complete() ? WebEndpointResponse.STATUS_OK : STATUS_ACCEPTED);
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("migration", migration);
        error.put("error", outcome.message());
        int status;
        if (outcome instanceof ExpandContractEndpoint.Outcome.UnknownMigration unknown) {
            error.put("knownMigrations", unknown.known());
            status = WebEndpointResponse.STATUS_NOT_FOUND;
        } else if (outcome instanceof ExpandContractEndpoint.Outcome.InvalidAction) {
            error.put("validActions", ExpandContractEndpoint.Action.NAMES);
            status = WebEndpointResponse.STATUS_BAD_REQUEST;
        } else if (outcome instanceof ExpandContractEndpoint.Outcome.Refused) {
            status = STATUS_CONFLICT;
        } else {
            status = WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR;
        }
        return new WebEndpointResponse<>(error, status);
    }
}
