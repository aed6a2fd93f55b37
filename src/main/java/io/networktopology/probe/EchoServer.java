package io.networktopology.probe;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The probe program's echo mode: every connection gets one line back, {@code pod=<name> ip=<ip> peer=<address>}, the
 * server's identity and the source address it saw. A client compares the peer with its own address (no NAT on
 * pod-to-pod) and counts distinct pods behind a Service (load balancing).
 */
public final class EchoServer implements AutoCloseable {

    private final ServerSocket socket;
    private final String pod;
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final Thread acceptor;

    public EchoServer(InetAddress bind, int port, String pod) throws IOException {
        this.socket = new ServerSocket();
        this.socket.setReuseAddress(true);
        this.socket.bind(new InetSocketAddress(bind, port));
        this.pod = pod;
        this.acceptor = new Thread(this::acceptLoop, "echo-" + pod);
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                workers.submit(() -> answer(client));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private void answer(Socket client) {
        try (client; OutputStream out = client.getOutputStream()) {
            InetSocketAddress peer = (InetSocketAddress) client.getRemoteSocketAddress();
            String line = "pod=" + pod + " ip=" + plain(client.getLocalAddress()) + " peer=" + plain(peer.getAddress()) + "\n";
            out.write(line.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    /** An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d; report the address the client has. */
    private static String plain(InetAddress address) {
        return io.networktopology.model.DnsNames.canonical(address.getHostAddress());
    }

    /** Runs the echo server until the process is stopped (the probe image's echo entry point). */
    public static void serve(InetAddress bind, int port, String pod, Runnable listening) throws IOException, InterruptedException {
        // By default (bind null) the wildcard address: every IPv4 and (where the pod has it) IPv6 address of the pod.
        try (EchoServer server = new EchoServer(bind, port, pod)) {
            listening.run();
            System.out.println("echo server for " + pod + " on " + (bind == null ? "*" : bind.getHostAddress()) + ":" + server.port());
            server.acceptor.join();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        workers.shutdownNow();
    }
}
