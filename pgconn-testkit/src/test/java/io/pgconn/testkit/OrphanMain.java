package io.pgconn.testkit;

/**
 * Run in a child JVM by {@link NoSurvivorIT}: starts a server, prints "READY pid directory runDirectory", then
 * either exits (the shutdown hook must stop the server) or waits on stdin to be killed (the next JVM's sweep must).
 */
public final class OrphanMain {

    private OrphanMain() {
    }

    public static void main(String[] args) throws Exception {
        PgServer server = PgServer.builder().name("orphan").start();
        System.out.println("READY " + server.pid() + " " + server.directory() + " " + Workspace.runDir());
        System.out.flush();
        if (args.length > 0 && args[0].equals("exit")) {
            System.exit(0);
        }
        System.in.read();
    }
}
