package io.github.expandcontract.fleet;

import io.github.expandcontract.migration.Direction;
import io.github.expandcontract.migration.Migration;
import io.github.expandcontract.phase.Phase;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the rolling-deploy rules say about one migration right now, for the Actuator endpoint and
 * the logs: the live fleet's phases, whether an instance could start in read-new or contract now
 * (and why not), and which live instances the backfill waits for.
 *
 * @param phases         every live instance's phase, by instance id
 * @param readNewAllowed whether an instance starting in read-new now would pass the rules
 * @param readNewRefusal why not, or null
 * @param contractAllowed whether an instance starting in contract now would pass the rules
 * @param contractRefusal why not, or null
 * @param backfillWaitingFor the live instances that do not write the new column (phase expand): the
 *                           backfill does not copy while any is live
 * @param reverseWaitingFor  the live instances that do not write the old column (phase contract): the
 *                           reverse backfill does not copy while any is live
 */
public record FleetDecision(Map<String, String> phases, boolean readNewAllowed, String readNewRefusal, boolean contractAllowed,
                            String contractRefusal, List<String> backfillWaitingFor, List<String> reverseWaitingFor) {

    /** Decides for a newcomer next to every live instance (the asking one included). */
    public static FleetDecision of(Connection c, Migration migration, RolloutSettings rollout, Duration timeout) throws SQLException {
        FleetSnapshot fleet = FleetSnapshot.read(c, migration.id(), null, timeout);
        // the newcomer's own rollout, without force: the question is what the rules say
        RolloutSettings asked = rollout.withForcePhase(false);
        String readNew = refusal(PhaseGate.check(migration, Phase.READ_NEW, asked, fleet, timeout));
        String contract = refusal(PhaseGate.check(migration, Phase.CONTRACT, asked, fleet, timeout));
        Map<String, String> phases = new LinkedHashMap<>();
        fleet.others().forEach(i -> phases.put(i.instanceId(), i.phase().configName()));
        return new FleetDecision(phases, readNew == null, readNew, contract == null, contract, ids(fleet.blocking(Direction.FORWARD)),
                ids(fleet.blocking(Direction.REVERSE)));
    }

    private static String refusal(List<PhaseGate.Refusal> refusals) {
        return refusals.isEmpty() ? null : refusals.stream().map(r -> r.rule().label() + ": " + r.problem())
                .collect(Collectors.joining(" "));
    }

    private static List<String> ids(List<LiveInstance> instances) {
        return instances.stream().map(LiveInstance::instanceId).toList();
    }
}
