package io.networktopology.api.v1alpha1;

public enum IPFamilyPolicy {
    SingleStack, PreferDualStack, RequireDualStack
}
