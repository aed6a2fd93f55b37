package io.networktopology.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.Arrays;
import java.util.List;

/**
 * One binary, several jobs: with no arguments it is the operator (kubeconfig or in-cluster config);
 * {@code render} previews offline; {@code demo} runs the operator against an embedded API.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        String command = args.length == 0 ? "operator" : args[0];
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        switch (command) {
            case "render" -> System.exit(RenderCommand.run(rest, System.out, System.err));
            case "demo" -> {
                EmbeddedKubernetes api = EmbeddedKubernetes.start();
                api.configureQuarkusClient();
                // The demo prints its own story; keep the framework quiet and off the operator's usual port.
                System.setProperty("quarkus.log.level", System.getProperty("quarkus.log.level", "WARN"));
                System.setProperty("quarkus.http.port", System.getProperty("quarkus.http.port", "0"));
                Quarkus.run(DemoApplication.class, (code, failure) -> {
                    api.close();
                    if (failure != null) {
                        failure.printStackTrace();
                    }
                    System.exit(code);
                }, args);
            }
            case "benchmark" -> {
                try {
                    System.exit(Benchmark.run(rest, System.out));
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(1);
                }
            }
            case "probe" -> System.exit(io.networktopology.probe.ProbeCommand.probe(rest, System.out, System.err));
            case "echo" -> {
                try {
                    System.exit(io.networktopology.probe.ProbeCommand.echo(rest));
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(1);
                }
            }
            case "operator" -> Quarkus.run(rest.toArray(String[]::new));
            case "help", "-h", "--help" -> {
                System.out.println("""
                        usage: network-topology-operator [operator | render FILE... | demo | benchmark [--topologies N] | probe | echo]
                          operator  run the operator against the cluster in the kubeconfig or in-cluster config (default)
                          render    print the objects the topologies in FILE(s) would become; no cluster needed
                          demo      run the operator against an embedded API with examples/shop.yaml and print the result
                          benchmark apply N topologies (default 1000) to an embedded API and print timings and API requests
                          probe     run connectivity checks (--checks FILE, or PROBE_CHECKS) and report them (probe pods)
                          echo      answer each connection with this pod's identity and the source address seen (--port N)""");
                System.exit(0);
            }
            default -> {
                System.err.println("unknown command '" + command + "'; try --help");
                System.exit(2);
            }
        }
    }
}
