// The one door every write goes through: a Mutator whose calls each wait for the write budget and are
// counted. Spelled out method by method, so a new Mutator method cannot slip past the budget (the object
// literal would not type-check without it).
import type { Mutator } from "../live/types.js";
import type { TokenBucket } from "./throttle.js";

export interface WriteCounter {
  writes: number;
}

export function throttled(m: Mutator, bucket: TokenBucket, counter: WriteCounter): Mutator {
  const gate =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await bucket.take();
      counter.writes++;
      return fn.apply(m, args);
    };
  return {
    createGroup: gate(m.createGroup),
    setSubject: gate(m.setSubject),
    setDescription: gate(m.setDescription),
    setPicture: gate(m.setPicture),
    setSetting: gate(m.setSetting),
    addParticipants: gate(m.addParticipants),
    removeParticipants: gate(m.removeParticipants),
    promote: gate(m.promote),
    demote: gate(m.demote),
    leave: gate(m.leave),
    deleteGroup: gate(m.deleteGroup),
    sendText: gate(m.sendText),
    setChatLabels: gate(m.setChatLabels),
    createLabel: gate(m.createLabel),
    updateLabel: gate(m.updateLabel),
  };
}
