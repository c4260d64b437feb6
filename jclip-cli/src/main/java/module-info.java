/**
 * The {@code jclip} command line ({@link dev.jclip.cli.Main}) and the from-scratch training demo.
 * It exports nothing; picocli reads the commands' annotated fields by reflection.
 */
module dev.jclip.cli {
    requires dev.jclip.core;
    requires dev.jclip.data;
    requires dev.jclip.index;
    requires dev.jclip.server;
    requires dev.jclip.train;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    requires java.desktop;
    requires java.logging;
    requires jdk.incubator.vector;
    requires jdk.management;

    opens dev.jclip.cli to info.picocli;
}
