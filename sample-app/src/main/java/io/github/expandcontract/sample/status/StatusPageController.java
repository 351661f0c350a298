package io.github.expandcontract.sample.status;

import io.github.expandcontract.actuate.ExpandContractEndpoint;
import io.github.expandcontract.fleet.InstanceRegistry;
import io.github.expandcontract.sample.traffic.TrafficStatsSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /status}: the page a user watches during a migration. It reads what
 * {@code GET /actuator/expandcontract} shows (the endpoint's bean, so it works whether or not the
 * endpoint is exposed over HTTP) and the traffic generator's counters.
 */
@Controller
public class StatusPageController {

    private final ObjectProvider<ExpandContractEndpoint> endpoint;
    private final ObjectProvider<InstanceRegistry> instances;
    private final TrafficStatsSource traffic;

    public StatusPageController(ObjectProvider<ExpandContractEndpoint> endpoint, ObjectProvider<InstanceRegistry> instances,
                                TrafficStatsSource traffic) {
        this.endpoint = endpoint;
        this.instances = instances;
        this.traffic = traffic;
    }

    @GetMapping(path = "/status", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    public String status() {
        ExpandContractEndpoint migrations = endpoint.getIfAvailable();
        InstanceRegistry registry = instances.getIfAvailable();
        return StatusPage.render(migrations == null ? List.of() : migrations.migrations().migrations(), traffic.read(),
                registry == null ? "?" : registry.instanceId(), Instant.now());
    }
}
