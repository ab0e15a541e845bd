/**
 * A module for relay e2e tests: its checkMediaFileForSpam reads every file (over HTTP, through
 * `MediaFile.read()`) and refuses those whose content contains `SPAM`.
 */
import { defineModule, Codes, NOT_SPAM } from '../../src/modules/public.js';

export default defineModule({
  name: 'no-spam-files',
  setup(api) {
    api.registerSpamCheckerCallbacks({
      async checkMediaFileForSpam(file) {
        const data = await file.read();
        return data.toString('utf8').includes('SPAM') ? Codes.FORBIDDEN : NOT_SPAM;
      },
    });
  },
});
