package io.networktopology.model;

/** One reason a topology cannot be applied, with the field it is about (e.g. {@code spec.services[1].ports[0].port}). */
public record SpecProblem(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
