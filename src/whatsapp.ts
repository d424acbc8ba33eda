// WhatsApp's own limits, in one place: the validator, the planner and the sandbox all keep them.
/** participants in one group, the creator and the instance included */
export const MAX_PARTICIPANTS = 1024;
/** characters in a group's subject */
export const MAX_SUBJECT = 100;
/** characters in a group's description */
export const MAX_DESCRIPTION = 2048;
/** characters in one text message */
export const MAX_MESSAGE = 4096;
