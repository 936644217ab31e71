import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionProvider } from 'react-dpop-session';
import 'react-dpop-session/styles.css';
import { App } from './App';
import { sessionClient } from './sessionClient';
import './demo.css';

const queryClient = new QueryClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider client={sessionClient}>
        <App />
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
