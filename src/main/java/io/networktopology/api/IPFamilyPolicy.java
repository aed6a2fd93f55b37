package io.networktopology.api;

public enum IPFamilyPolicy {
    SingleStack, PreferDualStack, RequireDualStack
}
