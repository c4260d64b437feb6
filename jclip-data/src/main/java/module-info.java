/** Streaming image-caption sources for training and evaluation; see {@link dev.jclip.data.ImageTextSource}. */
module dev.jclip.data {
    requires dev.jclip.core;
    requires org.apache.commons.compress;
    requires org.apache.commons.csv;
    requires transitive java.desktop; // ExampleImage holds a BufferedImage

    exports dev.jclip.data;
}
