/**
 * Models by name, as Python names them: {@link dev.jclip.hub.HubModel} resolves
 * {@code hf-hub:org/name}, {@code org/name} and open_clip's pretrained tags
 * ({@link dev.jclip.hub.Pretrained}) to files, which {@link dev.jclip.hub.HubClient} finds in
 * huggingface_hub's cache or downloads into it (resumable, checked, atomic), as the environment's
 * {@link dev.jclip.hub.HubSettings} say ({@code HF_HOME}, {@code HF_HUB_CACHE}, {@code HF_TOKEN},
 * {@code HF_HUB_OFFLINE}, {@code HF_ENDPOINT}).
 *
 * <p>Sits beside {@code model}: it yields the weights, vocabulary and config that {@code model}
 * loads; {@link dev.jclip.api.ClipModel#load(String)} takes hub names through it.
 */
package dev.jclip.hub;
