package io.networktopology.api.v1alpha1;

public enum SessionAffinity {
    None, ClientIP
}
