package io.networktopology.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sets conditions the way apimachinery's {@code meta.SetStatusCondition} does: {@code lastTransitionTime} moves
 * only when the status flips, so a reconcile that observes the same thing produces an identical status.
 */
public final class ConditionList {

    public static final int MAX_MESSAGE = 4000;

    private ConditionList() {
    }

    public static Condition condition(String type, boolean status, String reason, String message, Long generation,
            List<Condition> previous, Instant now) {
        return condition(type, status ? "True" : "False", reason, message, generation, previous, now);
    }

    /** @param statusText True, False or Unknown */
    public static Condition condition(String type, String statusText, String reason, String message, Long generation,
            List<Condition> previous, Instant now) {
        String transition = previous == null ? null : previous.stream()
                .filter(c -> type.equals(c.getType()) && statusText.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        return new ConditionBuilder()
                .withType(type)
                .withStatus(statusText)
                .withReason(reason)
                .withMessage(truncate(message))
                .withObservedGeneration(generation)
                .withLastTransitionTime(transition != null ? transition : now.truncatedTo(ChronoUnit.SECONDS).toString())
                .build();
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    /** Replaces the condition of the same type, keeping the others in place. */
    public static List<Condition> put(List<Condition> conditions, Condition condition) {
        List<Condition> result = new ArrayList<>();
        boolean replaced = false;
        for (Condition c : conditions == null ? List.<Condition>of() : conditions) {
            if (c.getType().equals(condition.getType())) {
                result.add(condition);
                replaced = true;
            } else {
                result.add(c);
            }
        }
        if (!replaced) {
            result.add(condition);
        }
        return result;
    }

    static String truncate(String message) {
        if (message == null || message.length() <= MAX_MESSAGE) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE - 15) + " … (truncated)";
    }
}
