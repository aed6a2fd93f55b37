package io.networktopology.api;

public enum SessionAffinity {
    None, ClientIP
}
