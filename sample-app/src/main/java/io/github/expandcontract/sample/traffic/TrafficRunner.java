package io.github.expandcontract.sample.traffic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Runs the traffic generator inside this instance ({@code sample.traffic.enabled=true}), from the
 * moment the app is ready until its duration ends or the app shuts down.
 */
@Component
@ConditionalOnBooleanProperty("sample.traffic.enabled")
public class TrafficRunner {

    private static final Logger log = LoggerFactory.getLogger(TrafficRunner.class);

    private final TrafficProperties properties;
    private volatile TrafficGenerator generator;

    public TrafficRunner(TrafficProperties properties) {
        this.properties = properties;
    }

    @EventListener
    public void ready(ApplicationReadyEvent event) {
        String port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
        List<String> targets = properties.targets().isEmpty() ? List.of("http://localhost:" + port) : properties.targets();
        generator = TrafficGenerator.of(targets, new TrafficGenerator.Settings(properties.requestsPerSecond(), properties.duration(),
                properties.workers()));
        // learning the id range may wait for the targets; never hold up the ready event for it
        Thread starter = new Thread(() -> {
            try {
                generator.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("Traffic generator did not start", e);
            }
        }, "traffic-generator-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** Before the web server stops: requests cut off by this instance's own shutdown are not traffic failures. */
    @EventListener
    public void closing(ContextClosedEvent event) {
        if (generator != null) {
            generator.close();
        }
    }

    /** The stats so far, null before the app is ready. */
    public TrafficStats stats() {
        TrafficGenerator current = generator;
        return current == null ? null : current.stats();
    }
}
